/**
 * AWS Signature Version 4 for the bundled AWS plugins (SNS, CloudWatch Logs). Plugins run in a
 * sandbox without environment or file access, where the AWS SDK cannot load its configuration,
 * so they sign their few requests themselves with Web Crypto. Verified against the AWS SDK's own
 * signer in plugins/shared/aws_sigv4_test.ts.
 *
 * @module
 */

/** Credentials and scope for signing. */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
}

/** A request to sign: POST to the root path with a body (what the plugins send). */
export interface UnsignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const encoder = new TextEncoder();

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array, text: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(text));
}

function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Returns the headers to send: the given ones plus host, x-amz-date, token and Authorization. */
export async function signRequest(
  request: UnsignedRequest,
  key: SigningKey,
  now: Date,
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    host: url.host,
    "x-amz-date": amzDate,
  };
  if (key.sessionToken) headers["x-amz-security-token"] = key.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) =>
    `${name}:${headers[name].trim().replace(/\s+/g, " ")}\n`
  )
    .join("");
  const signedHeaders = names.join(";");
  const path = url.pathname.split("/").map(encodePathSegment).join("/") || "/";
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encodePathSegment(k), encodePathSegment(v)])
    .sort(([a, x], [b, y]) => a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    request.method,
    path,
    query,
    canonicalHeaders,
    signedHeaders,
    await sha256Hex(request.body),
  ].join("\n");
  const scope = `${date}/${key.region}/${key.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256Hex(canonicalRequest)].join(
    "\n",
  );
  let signingKey = await hmac(encoder.encode(`AWS4${key.secretAccessKey}`), date);
  for (const part of [key.region, key.service, "aws4_request"]) {
    signingKey = await hmac(signingKey, part);
  }
  const signature = hex(await hmac(signingKey, stringToSign));
  return {
    ...headers,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

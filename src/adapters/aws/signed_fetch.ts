/**
 * One SigV4-signed POST to an AWS endpoint with `fetch`, signed by `aws4fetch` (WebCrypto, no AWS
 * SDK). The signal aborts the connect, the request and the reading of the answer. The answer comes
 * back whole, whatever its status, decoded as strict UTF-8: the protocol modules (`aws_query.ts`, `aws_json.ts`) read
 * errors out of it.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import type { AwsCredentials } from "../../ports/aws.ts";
import type { AwsService } from "./endpoints.ts";
import { AwsFaultError } from "./failure.ts";

/** A request body and its protocol headers, ready to sign. */
export interface ProtocolRequest {
  headers: Record<string, string>;
  body: string;
}

/** An HTTP answer, read to the end. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Where and how to sign one request. */
export interface SignedTarget {
  url: URL;
  service: AwsService;
  region: string;
}

/** Signs `request` for `target` with `credentials`, sends it and reads the answer. */
export async function signedPost(
  credentials: AwsCredentials,
  target: SignedTarget,
  request: ProtocolRequest,
  signal: AbortSignal,
): Promise<RawAnswer> {
  const signed = await new AwsV4Signer({
    method: "POST",
    url: target.url.href,
    headers: request.headers,
    body: request.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    service: target.service,
    region: target.region,
  }).sign();
  const response = await fetch(signed.url, {
    method: "POST",
    headers: signed.headers,
    body: request.body,
    signal,
  });
  const bytes = await response.arrayBuffer();
  let text: string;
  try {
    // Strict: a lossy decode would turn bytes of a policy into U+FFFD and change what it says.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AwsFaultError({ kind: "malformed", detail: "the answer is not valid UTF-8" });
  }
  return { status: response.status, headers: response.headers, text };
}

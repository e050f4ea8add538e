/**
 * What the harness makes in moto's IAM before a test acts — users, access keys, roles, inline
 * policies — through IAM's Query API over HTTP, signed with the key the harness gives moto's
 * administrator. The same calls the AWS CLI would make, without starting the CLI (a Python process
 * of about a second of CPU) for each one: a team's set-up made ten of them. What a test checks is
 * still read by the AWS CLI or by Sentinel itself; this module only builds the world they run in.
 *
 * @example
 * ```ts
 * const xml = await iamSetup(moto, "CreateUser", { UserName: "alice" });
 * ```
 * @module
 */
import { AwsClient } from "aws4fetch";

/** A moto server as the harness describes it: its endpoint and administrator key in `clientEnv`. */
export interface IamEndpoint {
  clientEnv(): Record<string, string>;
}

/** IAM answered an error (its code, such as `EntityAlreadyExists`, is in the message). */
export class IamSetupError extends Error {
  constructor(readonly action: string, readonly status: number, readonly body: string) {
    super(`IAM ${action} (harness set-up): HTTP ${status}: ${body}`);
  }
}

/**
 * Calls IAM `action` with `params`, signed with `key` (by default the administrator's of
 * `clientEnv`); resolves to IAM's XML answer, rejects on an error.
 */
export async function iamSetup(
  moto: IamEndpoint,
  action: string,
  params: Record<string, string>,
  key?: { accessKeyId: string; secretAccessKey: string },
): Promise<string> {
  const env = moto.clientEnv();
  const client = new AwsClient({
    accessKeyId: key?.accessKeyId ?? env.AWS_ACCESS_KEY_ID,
    secretAccessKey: key?.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY,
    service: "iam",
    region: "us-east-1",
  });
  const response = await client.fetch(env.AWS_ENDPOINT_URL, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: formBody({ Action: action, Version: "2010-05-08", ...params }),
  });
  const body = await response.text();
  if (!response.ok) throw new IamSetupError(action, response.status, body);
  return body;
}

/**
 * The form body as botocore encodes it (Python's `urlencode`: all but letters, digits and `-_.~`
 * escaped, a space as `+`): once IAM checks are on, moto checks the signature over the body
 * encoded that way, and a `*` left bare (as URLSearchParams leaves it) no longer matches.
 */
function formBody(params: Record<string, string>): string {
  const encode = (text: string) =>
    encodeURIComponent(text)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replaceAll("%20", "+");
  return Object.entries(params).map(([name, value]) => `${encode(name)}=${encode(value)}`).join(
    "&",
  );
}

/** The text of the first `<name>` element of IAM's XML answer (failing when there is none). */
export function xmlField(xml: string, name: string): string {
  const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (found === null) throw new Error(`no <${name}> in IAM's answer:\n${xml}`);
  return found[1].replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'").replaceAll("&amp;", "&");
}

/**
 * moto for tests of IAM itself (`enforce`): a server whose role sessions match their role in
 * trust policies as on AWS (`moto_iam_server.py` says why moto needs that), a switch that turns
 * on moto's IAM checks, and roles, users, keys and policies created in it through IAM's API
 * (harness/iam_setup.ts).
 *
 * @example
 * ```ts
 * await using moto = await startIamMoto();
 * await createRole(moto, "SentinelProd", trust);
 * await checkIam(moto); // from here on, every call is signed by a known key and authorised
 * ```
 * @module
 */
import type { AwsCredentials } from "../../src/ports/aws.ts";
import { type IamEndpoint, iamSetup, xmlField } from "./iam_setup.ts";
import { freePort, ROOT, toolPath } from "./tools.ts";

/** The account moto puts everything in. */
export const MOTO_ACCOUNT = "123456789012";

/** A running moto server for IAM tests. */
export interface IamMoto extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Environment for the AWS CLI as moto's administrator (before {@link checkIam}). */
  clientEnv(): Record<string, string>;
}

/** Starts `moto_iam_server.py` on a free port; resolves once it answers. */
export async function startIamMoto(): Promise<IamMoto> {
  const port = freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(toolPath("python3"), {
    args: [`${ROOT}test/harness/moto_iam_server.py`, "-H", "127.0.0.1", "-p", String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`moto_iam_server.py did not start on ${endpoint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    clientEnv: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null",
    }),
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/**
 * Turns on moto's IAM checks (signatures, identity policies, trust policies on AssumeRole) for
 * every later request, by moto's `reset-auth`. Works on any moto server, the plain one too.
 */
export async function checkIam(moto: { endpoint: string }): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "0",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto reset-auth: ${response.status} ${text}`);
}

/** Creates a role with `trust` as its trust policy; returns its ARN. */
export async function createRole(
  moto: IamEndpoint,
  name: string,
  trust: unknown,
  path = "/",
): Promise<string> {
  const created = await iamSetup(moto, "CreateRole", {
    RoleName: name,
    Path: path,
    AssumeRolePolicyDocument: typeof trust === "string" ? trust : JSON.stringify(trust),
  });
  return xmlField(created, "Arn");
}

/** Gives a user or a role an inline policy `document`. */
export async function putPolicy(
  moto: IamEndpoint,
  kind: "user" | "role",
  name: string,
  document: unknown,
): Promise<void> {
  await iamSetup(moto, kind === "user" ? "PutUserPolicy" : "PutRolePolicy", {
    [kind === "user" ? "UserName" : "RoleName"]: name,
    PolicyName: "inline",
    PolicyDocument: JSON.stringify(document),
  });
}

/** An identity policy that allows every action on every resource. */
export const ALLOW_ALL = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

/** Creates an IAM user with an access key (before {@link checkIam}). */
export async function createUser(
  moto: IamEndpoint,
  name: string,
  policy?: unknown,
): Promise<AwsCredentials> {
  await iamSetup(moto, "CreateUser", { UserName: name });
  if (policy !== undefined) await putPolicy(moto, "user", name, policy);
  const key = await iamSetup(moto, "CreateAccessKey", { UserName: name });
  return {
    accessKeyId: xmlField(key, "AccessKeyId"),
    secretAccessKey: xmlField(key, "SecretAccessKey"),
  };
}

/**
 * `sentinel enforce` end to end, as a process against moto: `enforce plan` reads real roles with
 * IAM GetRole — one trusting only the broker (the policy `enforce trust-policy --broker-role`
 * printed), one the account root, one alice — and reports exactly the open ones, in text and
 * JSON, through both AWS transports, with exit 11; 0 when all are closed; 6 naming the role and
 * the API for a missing role and, with moto's IAM checks on, for a caller without iam:GetRole.
 * Then the printed trust policy on a role in moto with IAM checks on (role sessions matched to
 * their role as AWS does, see harness/moto_iam_server.py): the broker role's session assumes it
 * with a SourceIdentity; alice, whose own policy allows everything, and another role's session
 * get AccessDenied. (The Condition half is checked in enforce_trust_simulation_test.ts.)
 */
import { assertEquals, assertIncludes, assertMatch } from "./assert.ts";
import { aws, createAwsHome } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import {
  ALLOW_ALL,
  checkIam,
  createRole,
  createUser,
  MOTO_ACCOUNT,
  putPolicy,
  startIamMoto,
} from "./harness/moto_iam.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { createFetchTransport } from "../src/adapters/aws/fetch_transport.ts";
import { ExitCode, SentinelError } from "../src/core/errors.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";
import type { AwsCredentials } from "../src/ports/aws.ts";

const BROKER = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelBroker`;
const ALICE = `arn:aws:iam::${MOTO_ACCOUNT}:user/alice`;
const only = (principal: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
});

/** What `sentinel enforce trust-policy --broker-role` prints, as a process. */
async function printedTrustPolicy(): Promise<string> {
  const run = await runSentinel(["enforce", "trust-policy", "--broker-role", BROKER]);
  assertEquals([run.code, run.stderr], [0, ""]);
  return run.stdout;
}

function credentialsFile(keys: Record<string, AwsCredentials>): string {
  return Object.entries(keys).map(([profile, key]) =>
    `[${profile}]\naws_access_key_id = ${key.accessKeyId}\n` +
    `aws_secret_access_key = ${key.secretAccessKey}\n`
  ).join("");
}

Deno.test("enforce plan against moto: exactly the open roles, text and JSON, both transports", async () => {
  await using moto = await startMoto();
  await using home = await createAwsHome(moto);
  await createRole(moto, "Closed", await printedTrustPolicy());
  await createRole(moto, "RootOpen", only(`arn:aws:iam::${MOTO_ACCOUNT}:root`));
  await createRole(moto, "AliceOpen", only(ALICE));
  const admin = await createUser(moto, "admin", ALLOW_ALL);
  const nobody = await createUser(moto, "nobody");
  await home.writeCredentials(credentialsFile({ admin, nobody }));
  const plan = (args: string[], env: Record<string, string> = {}) =>
    runSentinel(["enforce", "plan", "--broker-role", BROKER, "--aws-profile", "admin", ...args], {
      env: { ...home.env, ...env },
    });

  const text = await plan(["--roles", "Closed,RootOpen", "--roles", "AliceOpen"]);
  assertEquals([text.code, text.stderr], [ExitCode.ChecksFailed, ""]);
  const rows = text.stdout.split("\n").filter((l) => /^(Closed|RootOpen|AliceOpen) /.test(l));
  assertEquals(rows.map((r) => r.split(/\s{2,}/).slice(0, 3)), [
    ["Closed", "ok", "no one: only the broker"],
    ["RootOpen", "open", `AWS arn:aws:iam::${MOTO_ACCOUNT}:root`],
    ["RootOpen", "open", "(the broker cannot)"],
    ["AliceOpen", "open", `AWS ${ALICE}`],
    ["AliceOpen", "open", "(the broker cannot)"],
  ]);
  assertIncludes(text.stdout, "2 of 3 roles admit someone besides the broker");

  const arns = ["Closed", "RootOpen", "AliceOpen"].map((n) =>
    `arn:aws:iam::${MOTO_ACCOUNT}:role/${n}`
  );
  for (const transport of ["fetch", "sdk"]) {
    const json = await plan(["--roles", arns.join(","), "-o", "json"], {
      SENTINEL_AWS_TRANSPORT: transport,
    });
    assertEquals(json.code, ExitCode.ChecksFailed, json.stderr);
    const report = JSON.parse(json.stdout);
    assertEquals(
      report.roles.map((r: Record<string, unknown>) => [r.role_arn, r.ok]),
      [[arns[0], true], [arns[1], false], [arns[2], false]],
      transport,
    );
    assertEquals(
      report.roles.map((r: { others: { kind: string; statement: string }[] }) =>
        r.others.map((o) => `${o.kind} ${o.statement}`)
      ),
      [[], ["account #0"], ["principal #0"]],
      transport,
    );
  }

  const closed = await plan(["--roles", "Closed"], {
    AWS_ENDPOINT_URL: "",
    AWS_ENDPOINT_URL_IAM: moto.endpoint,
  });
  assertEquals([closed.code, closed.stderr], [ExitCode.Ok, ""]);
  assertIncludes(closed.stdout, "The role admits only the broker.");

  const missing = await plan(["--roles", "Closed,Missing"]);
  assertEquals([missing.code, missing.stdout], [ExitCode.AwsFailure, ""]);
  assertMatch(
    missing.stderr,
    /IAM GetRole Missing failed at http:\/\/127\.0\.0\.1:\d+: NoSuchEntity/,
  );

  await checkIam(moto);
  const denied = await plan(["--roles", "Closed", "--aws-profile", "nobody", "-o", "json"]);
  assertEquals([denied.code, denied.stdout], [ExitCode.AwsFailure, ""]);
  const error = JSON.parse(denied.stderr);
  assertEquals(error.code, "aws_failure");
  assertMatch(error.message, /^IAM GetRole Closed failed at .*: AccessDenied/);
  assertIncludes(error.message, "grant iam:GetRole on the role to the identity of --aws-profile");
  assertEquals((await plan(["--roles", "Closed"])).code, ExitCode.Ok);
});

/** The session credentials of `role`, assumed by `key` with the AWS CLI (the broker's host). */
async function sessionOf(
  moto: { clientEnv(): Record<string, string> },
  key: AwsCredentials,
  role: string,
) {
  const run = await aws(["sts", "assume-role", "--role-arn", role, "--role-session-name", "host"], {
    ...moto.clientEnv(),
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
  });
  if (run.code !== 0) throw new Error(run.stderr);
  const { AccessKeyId, SecretAccessKey, SessionToken } = JSON.parse(run.stdout).Credentials;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };
}

Deno.test("the printed broker trust policy in moto with IAM checks: the broker gets in, alice does not", async () => {
  await using moto = await startIamMoto();
  const host = await createUser(moto, "broker-host", ALLOW_ALL);
  const alice = await createUser(moto, "alice", ALLOW_ALL);
  for (const role of ["SentinelBroker", "Other"]) {
    await createRole(moto, role, only(`arn:aws:iam::${MOTO_ACCOUNT}:user/broker-host`));
    await putPolicy(moto, "role", role, ALLOW_ALL);
  }
  const prod = await createRole(moto, "SentinelProd", await printedTrustPolicy());
  const aliceOwn = await createRole(moto, "AliceOwn", only(ALICE));
  await checkIam(moto);

  const { sts } = createFetchTransport({
    endpoints: (name) => name === "AWS_ENDPOINT_URL" ? moto.endpoint : undefined,
  });
  const call = () => ({ region: "us-east-1", signal: AbortSignal.timeout(15_000) });
  const stamp = formatSourceIdentity("alice@example.com", "0123456789abcdef");
  const assume = (key: AwsCredentials, roleArn: string) =>
    sts.assumeRole(key, call(), {
      roleArn,
      roleSessionName: "sentinel-alice",
      sourceIdentity: stamp,
      durationSeconds: 900,
    });

  const broker = await sessionOf(moto, host, BROKER);
  const session = await assume(broker, prod);
  assertEquals(
    (await sts.getCallerIdentity(session, call())).arn,
    `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/SentinelProd/sentinel-alice`,
  );

  // alice may assume roles (her own trusts her), but not this one; nor may another role's session.
  await assume(alice, aliceOwn);
  const other = await sessionOf(moto, host, `arn:aws:iam::${MOTO_ACCOUNT}:role/Other`);
  for (const [who, key] of [["alice", alice], ["another role's session", other]] as const) {
    const error = await assume(key, prod).then(() => undefined, (e) => e);
    if (!(error instanceof SentinelError)) throw new Error(`${who} assumed SentinelProd`);
    assertEquals(error.exitCode, ExitCode.AwsFailure, who);
    assertIncludes(error.message, `STS AssumeRole on ${prod} failed at`);
    assertIncludes(error.message, "AccessDenied");
  }
});

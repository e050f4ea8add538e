/**
 * What the revocation attack suites share (test/security/revocation_*_attacks_test.ts): a team on
 * moto with two protected roles, reading back what IAM holds with the AWS CLI (and writing it as
 * an administrator would, by IAM's API), the store's records, forging them, iam-simulate's verdict
 * on a written document, lookalike and foreign revocation policies, and a proxy that holds one IAM
 * call.
 *
 * @module
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { assertEquals, assertTrue } from "../assert.ts";
import { aws, credentialProcess } from "./aws_home.ts";
import { forward } from "./faulty_proxy.ts";
import { iamSetup } from "./iam_setup.ts";

import { createRole, MOTO_ACCOUNT } from "./moto_iam.ts";
import type { SentinelRun } from "./sentinel.ts";

import { startTeam, type Team } from "./team.ts";
import { openTeamStore } from "./team_store.ts";

import { formatSourceIdentity } from "../../src/core/issuance/source_identity.ts";
import type { RevocationRecord } from "../../src/core/revocation/record.ts";

export const POLICY = `version: "1"
rules:
  - name: devs
    effect: allow
    conditions: { profiles: [dev] }
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h }
`;

export const DEV_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelDev`;
export const PROD_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelProd`;
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const TRUST = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
  }],
};

/** A team (alice's `prod` and `dev` profiles, bob the administrator) with both roles in moto. */
export async function team(
  store: "sqlite" | "dynamodb" = "sqlite",
  env: Record<string, string> = {},
): Promise<Team> {
  const t = await startTeam({ store, policy: POLICY, env });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) + `
[profile dev]
credential_process = ${credentialProcess("dev")}
sentinel_role_arn = ${DEV_ROLE}
sentinel_source_profile = alice
sentinel_policy = ${t.policyPath}
region = us-east-1
`,
  );
  await createRole(t.moto, "SentinelProd", TRUST);
  await createRole(t.moto, "SentinelDev", TRUST);
  if (store === "sqlite") {
    const init = await t.as("bob", ["store", "init"]);
    assertEquals(init.code, 0, init.stderr);
  }
  return t;
}

export interface Statement {
  Action: unknown;
  Condition: {
    StringLike: { "aws:SourceIdentity": string[] };
    DateLessThan: Record<string, string>;
  };
}
export type Document = { Statement: Statement[] };

/** The role's SentinelRevocations as IAM holds it (AWS CLI), or undefined. */
export async function rolePolicy(
  t: Team,
  roleName: string,
  keys: Record<string, string> = {},
): Promise<Document | undefined> {
  const text = await rolePolicyText(t, roleName, keys);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The role's SentinelRevocations exactly as IAM gives it back, or undefined. */
export async function rolePolicyText(
  t: Team,
  roleName: string,
  keys: Record<string, string> = {},
): Promise<string | undefined> {
  const got = await aws([
    "iam",
    "get-role-policy",
    "--role-name",
    roleName,
    "--policy-name",
    "SentinelRevocations",
    "--query",
    "PolicyDocument",
    "--output",
    "json",
  ], { ...t.home.env, ...t.moto.clientEnv(), ...keys });
  if (got.code !== 0 && got.stderr.includes("NoSuchEntity")) return undefined;
  assertEquals(got.code, 0, got.stderr);
  return got.stdout;
}

/**
 * Puts `document` as the role's SentinelRevocations, as an administrator by hand would (IAM's API
 * called straight, harness/iam_setup.ts).
 */
export async function putRolePolicy(t: Team, roleName: string, document: unknown): Promise<void> {
  await iamSetup(t.moto, "PutRolePolicy", {
    RoleName: roleName,
    PolicyName: "SentinelRevocations",
    PolicyDocument: JSON.stringify(document),
  });
}

export const patternsOf = (document: Document | undefined) =>
  (document?.Statement ?? []).flatMap((s) => s.Condition.StringLike["aws:SourceIdentity"]).sort();

/** The revocations the team's store holds for `roleArn`, live now. */
export async function storedRevocations(t: Team, roleArn: string): Promise<RevocationRecord[]> {
  const stores = await openTeamStore(t);
  try {
    const { items, damaged } = await stores.revocations.liveFor(roleArn, Date.now());
    assertEquals(damaged, []);
    return items;
  } finally {
    stores.close();
  }
}

/** Puts `records` straight into the team's store, as anyone who can write it could. */
export async function forge(t: Team, records: RevocationRecord[]): Promise<void> {
  const stores = await openTeamStore(t);
  try {
    for (const record of records) await stores.revocations.record(record);
  } finally {
    stores.close();
  }
}

/** What IAM decides for a session of `roleName` stamped `stamp`, issued at `issued`. */
export async function decide(document: unknown, roleName: string, stamp: string, issued: number) {
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/${roleName}/s`,
      action: "s3:GetObject",
      resource: { resource: "arn:aws:s3:::bucket/key", accountId: MOTO_ACCOUNT },
      contextVariables: {
        "aws:SourceIdentity": stamp,
        "aws:TokenIssueTime": new Date(issued).toISOString(),
      },
    },
    identityPolicies: [
      {
        name: "own",
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        },
      },
      ...(document === undefined ? [] : [{ name: "SentinelRevocations", policy: document }]),
    ] as Simulation["identityPolicies"],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** A stamp of `user`'s, as Sentinel puts on a session (any decision id). */
export const stamp = (user: string, id = "0123456789abcdef") => formatSourceIdentity(user, id);

export const revocationLog = async (t: Team) =>
  (await t.home.readLog()).filter((record) => record.type === "revocation");

/** Nothing a failed or dry revocation may leave: no IAM policy, no record, no log, no cache. */
export async function assertNothingDone(t: Team, what: string): Promise<void> {
  assertEquals(await rolePolicy(t, "SentinelDev"), undefined, `${what}: SentinelDev written`);
  assertEquals(await rolePolicy(t, "SentinelProd"), undefined, `${what}: SentinelProd written`);
  assertEquals((await storedRevocations(t, DEV_ROLE)).length, 0, `${what}: recorded (dev)`);
  assertEquals((await storedRevocations(t, PROD_ROLE)).length, 0, `${what}: recorded (prod)`);
  assertEquals(await revocationLog(t), [], `${what}: logged`);
  const held = await Array.fromAsync(Deno.readDir(`${t.home.cacheDir}/revocations`)).catch(
    () => [],
  );
  assertEquals(held.length, 0, `${what}: kept in the cache`);
}

/** A usage error: exit 2, a one-line reason, no stack trace, nothing on stdout. */
export function assertUsageError(run: SentinelRun, what: string): void {
  assertEquals(run.code, 2, `${what}: exit ${run.code}\n${run.stderr}`);
  assertTrue(!/\n\s+at /.test(run.stderr), `${what}: a stack trace\n${run.stderr}`);
  assertTrue(!run.stderr.includes("a bug"), `${what}: reported as a bug\n${run.stderr}`);
  assertEquals(run.stdout, "", `${what}: stdout`);
}

export function lookalike(overrides: Record<string, unknown>) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "TheirsNotSentinels",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: {
        StringLike: { "aws:SourceIdentity": ["sentinel=carol=*"] },
        DateLessThan: { "aws:TokenIssueTime": new Date(Date.now() - MIN).toISOString() },
      },
      ...overrides,
    }],
  };
}

export const FOREIGN: [string, unknown][] = [
  ["an Allow", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
  }],
  ["a Deny without Sentinel's conditions", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: "iam:*", Resource: "*" }],
  }],
  [
    "a Deny naming one SourceIdentity as a string, not a list",
    lookalike({
      Condition: {
        StringLike: { "aws:SourceIdentity": "sentinel=carol=*" },
        DateLessThan: { "aws:TokenIssueTime": new Date(Date.now() - MIN).toISOString() },
      },
    }),
  ],
];

export function gateProxy(
  target: string,
  matches: (body: string, headers: Headers) => boolean = (body) =>
    body.includes("Action=PutRolePolicy"),
) {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => arrived = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  let landed!: () => void;
  const forwarded = new Promise<void>((resolve) => landed = resolve);
  let holding = true;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    if (holding && matches(new TextDecoder().decode(body), request.headers)) {
      holding = false;
      arrived();
      await released;
      // Forwarded even when the revoker has given up waiting: the service got the call already.
      const answer = await forward(target, request, body);
      landed();
      return answer;
    }
    return await forward(target, request, body);
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    held,
    release,
    /** Resolves when the held call has reached the service. */
    forwarded,
    async [Symbol.asyncDispose]() {
      release();
      await server.shutdown();
    },
  };
}

/**
 * Revoker B (the team's store) reads the role's policy, then is paused before its write while
 * revoker A (with `storeOfA`, or the team's) revokes from start to end; then B's write goes
 * through. What the role's policy holds when both are done.
 */

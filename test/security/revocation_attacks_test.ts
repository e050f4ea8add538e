/**
 * `sentinel revoke` (issue 21) attacked the way a hostile or unlucky user would, end to end: real
 * Sentinel processes against moto's IAM, the AWS CLI reading back what IAM holds, and
 * `@cloud-copilot/iam-simulate` deciding what the written document denies (moto ignores
 * Conditions). Each test is named for the guarantee it checks.
 *
 * - Names: a glob or an odd name never cuts off anyone else; bad names, ids and empty lists are
 *   usage errors (exit 2) that record and write nothing; long names sharing a prefix, and a long
 *   name's break-glass sessions; a `--role` of another account.
 * - A foreign `SentinelRevocations` on the role, or one that only looks like Sentinel's.
 * - IAM refusing the write, and IAM hanging: exit 6, the record kept and logged, the way to finish.
 * - Races: 20 revokers on a DynamoDB store; a revoker held between its read and its write, with
 *   the other revoker on the same store, then on another store; a write that lands after its
 *   revoker gave up.
 * - Records forged in the store (writable by every user in local mode): wildcards, a cutoff hours
 *   ahead, bulk that makes every revocation of the role too large for IAM.
 * - This host's revocations: a damaged one in the cache folder; `exec --server` running while its
 *   user is revoked.
 * - A revoker whose clock lags or runs ahead; `--dry-run`; `--output json` on errors.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws, credentialProcess } from "../harness/aws_home.ts";
import { faultyProxy, forward } from "../harness/faulty_proxy.ts";
import { holdingProxy } from "../harness/holding_proxy.ts";
import { ALLOW_ALL, checkIam, createRole, createUser, MOTO_ACCOUNT } from "../harness/moto_iam.ts";
import type { SentinelRun } from "../harness/sentinel.ts";
import { spawnSentinel } from "../harness/sentinel.ts";
import { startTeam, type Team } from "../harness/team.ts";
import { openTeamStore } from "../harness/team_store.ts";
import { ROOT } from "../harness/tools.ts";
import { formatSourceIdentity } from "../../src/core/issuance/source_identity.ts";
import type { RevocationRecord } from "../../src/core/revocation/record.ts";

const POLICY = `version: "1"
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

const DEV_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelDev`;
const PROD_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelProd`;
const MIN = 60_000;
const HOUR = 60 * MIN;

const TRUST = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
  }],
};

/** A team (alice's `prod` and `dev` profiles, bob the administrator) with both roles in moto. */
async function team(
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

interface Statement {
  Action: unknown;
  Condition: {
    StringLike: { "aws:SourceIdentity": string[] };
    DateLessThan: Record<string, string>;
  };
}
type Document = { Statement: Statement[] };

/** The role's SentinelRevocations as IAM holds it (AWS CLI), or undefined. */
async function rolePolicy(
  t: Team,
  roleName: string,
  keys: Record<string, string> = {},
): Promise<Document | undefined> {
  const text = await rolePolicyText(t, roleName, keys);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The role's SentinelRevocations exactly as IAM gives it back, or undefined. */
async function rolePolicyText(
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

/** Puts `document` as the role's SentinelRevocations, as an administrator by hand would. */
async function putRolePolicy(t: Team, roleName: string, document: unknown): Promise<void> {
  const put = await aws([
    "iam",
    "put-role-policy",
    "--role-name",
    roleName,
    "--policy-name",
    "SentinelRevocations",
    "--policy-document",
    JSON.stringify(document),
  ], { ...t.home.env, ...t.moto.clientEnv() });
  assertEquals(put.code, 0, put.stderr);
}

const patternsOf = (document: Document | undefined) =>
  (document?.Statement ?? []).flatMap((s) => s.Condition.StringLike["aws:SourceIdentity"]).sort();

/** The revocations the team's store holds for `roleArn`, live now. */
async function storedRevocations(t: Team, roleArn: string): Promise<RevocationRecord[]> {
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
async function forge(t: Team, records: RevocationRecord[]): Promise<void> {
  const stores = await openTeamStore(t);
  try {
    for (const record of records) await stores.revocations.record(record);
  } finally {
    stores.close();
  }
}

/** What IAM decides for a session of `roleName` stamped `stamp`, issued at `issued`. */
async function decide(document: unknown, roleName: string, stamp: string, issued: number) {
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
const stamp = (user: string, id = "0123456789abcdef") => formatSourceIdentity(user, id);

const revocationLog = async (t: Team) =>
  (await t.home.readLog()).filter((record) => record.type === "revocation");

/** Nothing a failed or dry revocation may leave: no IAM policy, no record, no log, no cache. */
async function assertNothingDone(t: Team, what: string): Promise<void> {
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
function assertUsageError(run: SentinelRun, what: string): void {
  assertEquals(run.code, 2, `${what}: exit ${run.code}\n${run.stderr}`);
  assertTrue(!/\n\s+at /.test(run.stderr), `${what}: a stack trace\n${run.stderr}`);
  assertTrue(!run.stderr.includes("a bug"), `${what}: reported as a bug\n${run.stderr}`);
  assertEquals(run.stdout, "", `${what}: stdout`);
}

// ---------------------------------------------------------------------------------------------
// 1. Hostile names
// ---------------------------------------------------------------------------------------------

Deno.test("a revocation of a glob or an odd name cuts off only sessions of that literal name: alice's and bob's stand", async () => {
  await using t = await team();
  const names = ["*", "?", "alice*", "*alice", "a=b", "alice=*", "a+2A", "j\u00fcrgen", "al ice"];
  const runs = await Promise.all(
    names.map((name) => t.as("bob", ["revoke", "--user", name, "--profiles", "dev", "-o", "json"])),
  );
  const issued = Date.now() - MIN;
  const written = await rolePolicy(t, "SentinelDev");
  for (const [i, name] of names.entries()) {
    const run = runs[i];
    assertTrue(run.code === 0 || run.code === 2, `${name}: exit ${run.code}\n${run.stderr}`);
    if (run.code !== 0) continue;
    assertEquals(
      await decide(written, "SentinelDev", stamp(name), issued),
      "ExplicitlyDenied",
      `${name}'s own session is not cut off`,
    );
  }
  console.log(`written patterns: ${patternsOf(written).join(" ")}`);
  for (const other of ["alice", "bob", "alice2", "alicex", "a", "ab"]) {
    assertEquals(
      await decide(written, "SentinelDev", stamp(other), issued),
      "Allowed",
      `${other}'s session is cut off by a revocation of ${names.join(", ")}`,
    );
    assertEquals(
      await decide(
        written,
        "SentinelDev",
        formatSourceIdentity(other, "0".repeat(16), {
          breakglass: true,
        }),
        issued,
      ),
      "Allowed",
      `${other}'s break-glass session is cut off`,
    );
  }
});

Deno.test("a glob as --user ('*', 'alice*', '?') is refused (exit 2): no person can have that name, so it would cut off nobody while saying it revoked", async () => {
  await using t = await team();
  for (const name of ["*", "alice*", "?"]) {
    const run = await t.as("bob", ["revoke", "--user", name, "--profiles", "dev"]);
    if (run.code === 0) console.log(`--user '${name}' said: ${run.stdout.trim()}`);
    assertUsageError(run, `--user '${name}'`);
  }
  await assertNothingDone(t, "a glob as --user");
});

Deno.test("a bad --user (empty, blank, control characters, 300 characters) or no single target is a usage error (exit 2), an unknown profile exit 3, and none records or writes anything", async () => {
  await using t = await team();
  const cases: [string, string[]][] = [
    ["empty", ["--user", ""]],
    ["blank", ["--user", "   "]],
    ["a tab", ["--user", "alice\tbob"]],
    ["a newline", ["--user", "alice\nbob"]],
    ["an escape sequence", ["--user", "alice\u001b[2J"]],
    ["DEL", ["--user", "alice\u007f"]],
    ["300 characters", ["--user", "a".repeat(300)]],
    ["no target", []],
    ["two targets", ["--user", "alice", "--event", "0123456789abcdef"]],
    ["--profiles with --event", ["--event", "0123456789abcdef", "--profiles", "dev"]],
    ["a --role that is no role ARN", ["--user", "alice", "--role", "SentinelDev"]],
    ["--reason of 501 characters", ["--user", "alice", "--reason", "r".repeat(501)]],
  ];
  const runs = await Promise.all(cases.map(([, args]) => t.as("bob", ["revoke", ...args])));
  for (const [i, [what]] of cases.entries()) assertUsageError(runs[i], what);
  // An unknown profile is a configuration error everywhere in Sentinel (exit 3), here too.
  const unknown = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev,nosuch"]);
  assertEquals(unknown.code, 3, unknown.stderr);
  assertIncludes(unknown.stderr, 'profile "nosuch" is not in');
  await assertNothingDone(t, "bad input");
});

Deno.test("an empty --profiles ('', ',', ' ') is a usage error: it never widens to every protected role", async () => {
  await using t = await team();
  for (const profiles of ["", ",", " , "]) {
    const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", profiles]);
    if (run.code === 0) console.log(`--profiles '${profiles}' said: ${run.stdout.trim()}`);
    assertUsageError(run, `--profiles '${profiles}'`);
  }
  await assertNothingDone(t, "an empty --profiles");
});

/** Two people whose names, escaped, share the first 37 characters the stamp has room for. */
const LONG = {
  // Users of an account outside the team's are named by their ARN (core/identity.ts).
  alice: "arn:aws:iam::999999999999:user/alice",
  mallory: "arn:aws:iam::999999999999:user/mallory",
};

Deno.test("two long names sharing a prefix: revoking one cuts off its own sessions, and says that every name starting with what the stamp keeps is cut off too", async () => {
  await using t = await team();
  const run = await t.as("bob", [
    "revoke",
    "--user",
    LONG.alice,
    "--profiles",
    "dev",
    "-o",
    "json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  const written = await rolePolicy(t, "SentinelDev");
  const issued = Date.now() - MIN;
  console.log(
    `revoking ${LONG.alice} wrote ${patternsOf(written).join(" ")}; ${LONG.mallory}'s stamp is ${
      stamp(LONG.mallory)
    }`,
  );
  assertEquals(
    await decide(written, "SentinelDev", stamp(LONG.alice), issued),
    "ExplicitlyDenied",
    "the long name's own session is not cut off",
  );
  // A stamp keeps 64 characters: a longer name is cut, and two names alike up to there cannot be
  // told apart by IAM. The revoker is told which names it reaches (the documented limit).
  const shared = JSON.parse(run.stdout).shared_prefix as string;
  assertTrue(LONG.alice.startsWith(shared) && LONG.mallory.startsWith(shared), shared);
  assertEquals(
    await decide(written, "SentinelDev", stamp(LONG.mallory), issued),
    "ExplicitlyDenied",
  );
  const text = await t.as("bob", [
    "revoke",
    "--user",
    LONG.alice,
    "--profiles",
    "dev",
    "--dry-run",
  ]);
  assertIncludes(text.stdout, `every name starting with "${shared}" is cut off too`);
});

Deno.test("revoking a person with a long name (a 42-character SSO e-mail; a 37-character name) cuts off their break-glass sessions too", async () => {
  await using t = await team();
  const people = ["christopher.montgomery@example-company.com", "a".repeat(37)];
  for (const person of people) {
    const run = await t.as("bob", ["revoke", "--user", person, "--profiles", "dev"]);
    assertEquals(run.code, 0, run.stderr);
  }
  const written = await rolePolicy(t, "SentinelDev");
  const issued = Date.now() - MIN;
  for (const person of people) {
    const breakglass = formatSourceIdentity(person, "0123456789abcdef", { breakglass: true });
    assertEquals(await decide(written, "SentinelDev", stamp(person), issued), "ExplicitlyDenied");
    assertEquals(
      await decide(written, "SentinelDev", breakglass, issued),
      "ExplicitlyDenied",
      `${person}'s break-glass session ${breakglass} is not cut off by ${patternsOf(written)}`,
    );
  }
});

Deno.test("--role of another account is refused (or written there): never written to the same-named role of the caller's account while reported as revoked", async () => {
  await using t = await team();
  const foreign = "arn:aws:iam::999999999999:role/SentinelDev";
  const run = await t.as("bob", ["revoke", "--user", "alice", "--role", foreign, "-o", "json"]);
  const mine = await rolePolicy(t, "SentinelDev");
  if (run.code === 0) {
    console.log(
      `exit 0, roles ${
        JSON.parse(run.stdout).roles.map((r: { role_arn: string }) => r.role_arn)
      }; ${DEV_ROLE} now holds ${patternsOf(mine)}`,
    );
  }
  assertEquals(
    mine,
    undefined,
    `${foreign} was asked for, ${DEV_ROLE} (bob's account) was written`,
  );
  assertTrue(run.code !== 0, "reported as revoked on a role of another account");
});

// ---------------------------------------------------------------------------------------------
// 2. Ids that name nothing
// ---------------------------------------------------------------------------------------------

const ODD_IDS: [string, string][] = [
  ["a well-formed id nobody made", "0123456789abcdef"],
  ["a path", "../../../etc/passwd"],
  ["SQL", "' OR '1'='1' --"],
  ["a key separator", "x#request"],
  ["format strings", "%s%n${PATH}{{x}}"],
  ["a bidi override", "abc\u202edef"],
  ["10 KB", "f".repeat(10 * 1024)],
];

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`--request and --event with ids that name nothing (absent, odd, 10 KB) on a ${store} store: exit 2, no stack trace, nothing recorded or written`, async () => {
    await using t = await team(store);
    const runs = await Promise.all(
      ODD_IDS.flatMap(([, id]) => [
        t.as("bob", ["revoke", "--request", id]),
        t.as("bob", ["revoke", "--event", id, "--output", "json"]),
      ]),
    );
    for (const [i, [what, id]] of ODD_IDS.entries()) {
      const [request, event] = [runs[2 * i], runs[2 * i + 1]];
      assertUsageError(request, `--request (${what})`);
      assertIncludes(request.stderr, "no request");
      assertTrue(request.stderr.length < 2_000, `--request (${what}): ${request.stderr.length} B`);
      assertUsageError(event, `--event (${what})`);
      const json = JSON.parse(event.stderr);
      assertEquals([json.exit_code, json.code], [2, "not_found"], event.stderr);
      assertTrue(!event.stderr.includes(id.slice(0, 100) + id.slice(0, 100)), "the id echoed");
    }
    await assertNothingDone(t, "ids that name nothing");
  });
}

/** DynamoDB's answer to a key attribute over 2,048 bytes (moto does not enforce the limit). */
function keyTooLarge(): Response {
  return new Response(
    JSON.stringify({
      __type: "com.amazon.coral.validate#ValidationException",
      message:
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes",
    }),
    { status: 400, headers: { "content-type": "application/x-amz-json-1.0" } },
  );
}

Deno.test("--request and --event with a 10 KB id on DynamoDB as AWS enforces its key size: still 'no such request' (exit 2), not an AWS failure", async () => {
  await using t = await team("dynamodb");
  await using proxy = faultyProxy(
    t.moto.endpoint,
    (call) => call.target.endsWith(".GetItem") && call.body.length > 2_048,
    keyTooLarge,
  );
  const env = { AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint };
  const long = "f".repeat(10 * 1024);
  for (const flag of ["--request", "--event"]) {
    const run = await t.run(["revoke", flag, long, "--aws-profile", "bob"], env);
    if (run.code !== 2) console.log(`${flag} <10 KB>: exit ${run.code}: ${run.stderr.trim()}`);
    assertUsageError(run, `${flag} <10 KB>`);
  }
  await assertNothingDone(t, "a 10 KB id");
});

// ---------------------------------------------------------------------------------------------
// 3. A SentinelRevocations policy Sentinel did not write
// ---------------------------------------------------------------------------------------------

/** A revocation statement with Sentinel's conditions, and whatever `overrides` change. */
function lookalike(overrides: Record<string, unknown>) {
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

const FOREIGN: [string, unknown][] = [
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

for (const [what, document] of FOREIGN) {
  Deno.test(`a foreign SentinelRevocations (${what}) on the role: refused (exit 3) before anything is recorded, the policy untouched`, async () => {
    await using t = await team();
    await putRolePolicy(t, "SentinelDev", document);
    const before = await rolePolicyText(t, "SentinelDev");
    const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
    assertEquals(run.code, 3, run.stderr);
    assertIncludes(run.stderr, `${DEV_ROLE} is not one Sentinel wrote`);
    assertTrue(!/\n\s+at /.test(run.stderr), run.stderr);
    assertEquals(await rolePolicyText(t, "SentinelDev"), before, "the foreign policy changed");
    assertEquals(await storedRevocations(t, DEV_ROLE), [], "recorded");
    assertEquals(await revocationLog(t), []);
  });
}

Deno.test("a SentinelRevocations that only looks like Sentinel's (a Deny of some actions, or with a condition more) is not rewritten into a Deny of everything", async () => {
  await using t = await team();
  const cases: [string, unknown][] = [
    ["a Deny of iam:* only", lookalike({ Action: "iam:*" })],
    [
      "a Deny with an extra condition",
      lookalike({
        Condition: {
          StringLike: { "aws:SourceIdentity": ["sentinel=carol=*"] },
          DateLessThan: { "aws:TokenIssueTime": new Date(Date.now() - MIN).toISOString() },
          Bool: { "aws:ViaAWSService": "false" },
        },
      }),
    ],
  ];
  for (const [what, document] of cases) {
    await putRolePolicy(t, "SentinelDev", document);
    const before = await rolePolicyText(t, "SentinelDev");
    const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
    const after = await rolePolicyText(t, "SentinelDev");
    if (run.code === 0) console.log(`${what}: exit 0, and IAM now holds ${after}`);
    assertEquals(run.code, 3, `${what}: exit ${run.code}\n${run.stderr}`);
    assertEquals(after, before, `${what}: the policy was rewritten`);
  }
});

// ---------------------------------------------------------------------------------------------
// 4. IAM refusing the write
// ---------------------------------------------------------------------------------------------

/** An access key as the AWS CLI takes it from the environment. */
const keyEnv = (key: { accessKeyId: string; secretAccessKey: string }) => ({
  AWS_ACCESS_KEY_ID: key.accessKeyId,
  AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
});

/**
 * Two more administrators — `reader` may read the roles' policies but not write them, `writer`
 * may do anything — then moto's IAM checks turned on. Returns the writer's key (to read IAM with).
 */
async function readerAndWriter(t: Team): Promise<Record<string, string>> {
  const reader = await createUser(t.moto, "reader", {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Action: ["sts:GetCallerIdentity", "iam:GetRolePolicy", "iam:GetRole"],
      Resource: "*",
    }],
  });
  const writer = await createUser(t.moto, "writer", ALLOW_ALL);
  const credentials = `${t.home.dir}/.aws/credentials`;
  await Deno.writeTextFile(
    credentials,
    (await Deno.readTextFile(credentials)) +
      `\n[reader]\naws_access_key_id = ${reader.accessKeyId}\naws_secret_access_key = ${reader.secretAccessKey}\n` +
      `\n[writer]\naws_access_key_id = ${writer.accessKeyId}\naws_secret_access_key = ${writer.secretAccessKey}\n`,
  );
  const config = `${t.home.dir}/.aws/config`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)) +
      "\n[profile reader]\nregion = us-east-1\n\n[profile writer]\nregion = us-east-1\n",
  );
  await checkIam(t.moto);
  return keyEnv(writer);
}

Deno.test("IAM refusing the write: exit 6 naming the role, the revocation recorded and how to finish it; re-run by an allowed administrator writes it", async () => {
  await using t = await team();
  const writer = await readerAndWriter(t);
  const refused = await t.as("reader", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(refused.code, 6, refused.stderr);
  assertIncludes(refused.stderr, "PutRolePolicy");
  assertIncludes(refused.stderr, "AccessDenied");
  assertIncludes(refused.stderr, `is recorded in`);
  assertIncludes(refused.stderr, `but ${DEV_ROLE} does not carry it yet`);
  assertIncludes(refused.stderr, "run the same `sentinel revoke` again");
  assertTrue(!/\n\s+at /.test(refused.stderr), refused.stderr);
  assertEquals(await rolePolicy(t, "SentinelDev", writer), undefined, "half-written");
  assertEquals(
    (await storedRevocations(t, DEV_ROLE)).map((r) => [r.patterns, r.by]),
    [[["sentinel=alice=*"], "reader"]],
  );

  // Any later revocation of the role by someone allowed writes every recorded one.
  const other = await t.as("writer", ["revoke", "--user", "carol", "--profiles", "dev"]);
  assertEquals(other.code, 0, other.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev", writer)), [
    "sentinel=alice=*",
    "sentinel=carol=*",
  ]);
  const again = await t.as("writer", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(again.code, 0, again.stderr);
  const written = await rolePolicy(t, "SentinelDev", writer);
  assertEquals(patternsOf(written), ["sentinel=alice=*", "sentinel=carol=*"]);
  assertEquals(
    await decide(written, "SentinelDev", stamp("alice"), Date.now() - MIN),
    "ExplicitlyDenied",
  );
});

Deno.test("a revocation recorded but not written (IAM refused) is in the decision log: the audit trail shows who revoked whom, though IAM does not carry it yet", async () => {
  await using t = await team();
  await readerAndWriter(t);
  const refused = await t.as("reader", [
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--reason",
    "laptop stolen",
  ]);
  assertEquals(refused.code, 6, refused.stderr);
  assertEquals((await storedRevocations(t, DEV_ROLE)).length, 1, "not recorded");
  const logged = await revocationLog(t);
  console.log(`decision log after the refused write: ${JSON.stringify(logged)}`);
  assertEquals(
    logged.map((r) => [r.user, r.actor, r.reason]),
    [["alice", "reader", "laptop stolen"]],
    "the recorded revocation is not in the decision log",
  );
});

// ---------------------------------------------------------------------------------------------
// 5. IAM that never answers
// ---------------------------------------------------------------------------------------------

Deno.test("IAM that never answers the write: the command ends within its timeout (exit 6), the revocation recorded and nothing half-written", async () => {
  await using t = await team();
  await using proxy = holdingProxy(t.moto.endpoint, "Action=PutRolePolicy");
  const started = Date.now();
  const run = await t.run([
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--aws-profile",
    "bob",
  ], {
    AWS_ENDPOINT_URL_IAM: proxy.endpoint,
    SENTINEL_TIMEOUT: "5s",
  });
  const took = Date.now() - started;
  console.log(`ended after ${took} ms: exit ${run.code}: ${run.stderr.trim()}`);
  assertEquals(run.code, 6, run.stderr);
  assertTrue(took < 20_000, `took ${took} ms with a 5 s timeout`);
  assertIncludes(run.stderr, DEV_ROLE);
  assertIncludes(run.stderr, "is recorded in");
  assertTrue(!/\n\s+at /.test(run.stderr), run.stderr);
  assertEquals(await rolePolicy(t, "SentinelDev"), undefined, "half-written");
  assertEquals((await storedRevocations(t, DEV_ROLE)).length, 1);
});

Deno.test("IAM that never answers the first read: the command ends within its timeout (exit 6) and records nothing", async () => {
  await using t = await team();
  await using proxy = holdingProxy(t.moto.endpoint, "Action=GetRolePolicy");
  const started = Date.now();
  const run = await t.run([
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--aws-profile",
    "bob",
  ], {
    AWS_ENDPOINT_URL_IAM: proxy.endpoint,
    SENTINEL_TIMEOUT: "5s",
  });
  const took = Date.now() - started;
  console.log(`ended after ${took} ms: exit ${run.code}: ${run.stderr.trim()}`);
  assertEquals(run.code, 6, run.stderr);
  assertTrue(took < 20_000, `took ${took} ms with a 5 s timeout`);
  assertIncludes(run.stderr, "GetRolePolicy");
  await assertNothingDone(t, "a hung read");
});

// ---------------------------------------------------------------------------------------------
// 6. Racing revokers
// ---------------------------------------------------------------------------------------------

Deno.test("20 concurrent revocations of different people on one role, on a DynamoDB store: none is lost", async () => {
  await using t = await team("dynamodb");
  const people = Array.from({ length: 20 }, (_, i) => `person${String(i).padStart(2, "0")}`);
  const runs = await Promise.all(
    people.map((person) =>
      t.as("bob", ["revoke", "--user", person, "--profiles", "dev", "-o", "json"])
    ),
  );
  for (const run of runs) assertEquals(run.code, 0, run.stderr);
  const writes = runs.map((run) => JSON.parse(run.stdout).roles[0].writes as number);
  console.log(`writes per revoker: ${writes.join(" ")} (total ${writes.reduce((a, b) => a + b)})`);
  const expected = people.map((person) => `sentinel=${person}=*`);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), expected);
  assertEquals(
    (await storedRevocations(t, DEV_ROLE)).flatMap((r) => r.patterns).sort(),
    expected,
  );
});

/**
 * A proxy that holds the first call `matches` picks — an IAM PutRolePolicy read already but not
 * yet written, say — until the test lets it go, then forwards it: a revoker paused mid-way.
 */
function gateProxy(
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
async function pausedRace(t: Team, storeOfA: string[]): Promise<Document | undefined> {
  await using gate = gateProxy(t.moto.endpoint);
  const b = t.run(["revoke", "--user", "bertha", "--profiles", "dev", "--aws-profile", "bob"], {
    AWS_ENDPOINT_URL_IAM: gate.endpoint,
    SENTINEL_TIMEOUT: "120s",
  });
  await gate.held;
  const a = await t.as("bob", ["revoke", "--user", "anna", "--profiles", "dev", ...storeOfA]);
  assertEquals(a.code, 0, a.stderr);
  console.log(`written by A while B was paused: ${patternsOf(await rolePolicy(t, "SentinelDev"))}`);
  gate.release();
  const done = await b;
  assertEquals(done.code, 0, done.stderr);
  return await rolePolicy(t, "SentinelDev");
}

Deno.test("a revoker paused between its read and its write does not erase a revocation made meanwhile by a revoker sharing its store", async () => {
  await using t = await team("dynamodb");
  const written = await pausedRace(t, []);
  assertEquals(patternsOf(written), ["sentinel=anna=*", "sentinel=bertha=*"]);
});

Deno.test("revokers of one role with different stores (SQLite and DynamoDB), one paused between its read and its write: a revocation the race drops is written again by the next sweep through its store", async () => {
  await using t = await team("dynamodb");
  const other = `sqlite:${t.home.dir}/other-admin/sentinel.db`;
  const written = await pausedRace(t, ["--store", other]);
  // Records in separate stores protect only their own revokers (docs/cloudtrail.md): the write
  // of the revoker that read IAM before the other wrote can drop the other's revocation.
  console.log(`the role's policy after both revokers ended: ${patternsOf(written).join(" ")}`);
  const swept = await t.as("bob", ["requests", "sweep", "--store", other, "-o", "json"]);
  assertEquals(swept.code, 0, swept.stderr);
  const sweptTeam = await t.as("bob", ["requests", "sweep", "-o", "json"]);
  assertEquals(sweptTeam.code, 0, sweptTeam.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), [
    "sentinel=anna=*",
    "sentinel=bertha=*",
  ]);
});

Deno.test("a write that reaches IAM after its revoker gave up (timeout) and erases a revocation completed meanwhile is repaired by the next sweep", async () => {
  await using t = await team("dynamodb");
  await using gate = gateProxy(t.moto.endpoint);
  const b = t.run(["revoke", "--user", "bertha", "--profiles", "dev", "--aws-profile", "bob"], {
    AWS_ENDPOINT_URL_IAM: gate.endpoint,
    SENTINEL_TIMEOUT: "4s",
  });
  await gate.held;
  const gaveUp = await b;
  assertEquals(gaveUp.code, 6, gaveUp.stderr);
  assertIncludes(gaveUp.stderr, "run the same `sentinel revoke` again");
  const a = await t.as("bob", ["revoke", "--user", "anna", "--profiles", "dev"]);
  assertEquals(a.code, 0, a.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), [
    "sentinel=anna=*",
    "sentinel=bertha=*",
  ]);
  // B's call, sent before it gave up, is applied by IAM only now (a slow or retried call).
  gate.release();
  await gate.forwarded;
  const written = await rolePolicy(t, "SentinelDev");
  console.log(`after B's late write: ${patternsOf(written).join(" ")}`);
  const swept = await t.as("bob", ["requests", "sweep", "-o", "json"]);
  assertEquals(swept.code, 0, swept.stderr);
  assertEquals(
    patternsOf(await rolePolicy(t, "SentinelDev")),
    ["sentinel=anna=*", "sentinel=bertha=*"],
    "anna's completed revocation, erased by a late write, was not written again by the sweep",
  );
});

// ---------------------------------------------------------------------------------------------
// 7. This host's revocations, damaged
// ---------------------------------------------------------------------------------------------

const DAMAGED: [string, string][] = [
  ["junk", "\u0000\u00ffnot json at all"],
  ["empty", ""],
  ["null", "null"],
  ["a list", "[]"],
  ["a record without patterns", JSON.stringify({ id: "x", roleArn: DEV_ROLE, before: 1 })],
  [
    "patterns that are not text",
    JSON.stringify({
      id: "0123456789abcdef",
      roleArn: DEV_ROLE,
      patterns: [1],
      before: Date.now(),
      expiresAt: Date.now() + HOUR,
    }),
  ],
];

const accessKey = (run: SentinelRun) => JSON.parse(run.stdout).AccessKeyId as string;

Deno.test("a damaged revocation in the cache folder: the warm path never reuses a cached session (it issues a new one) and never crashes", async () => {
  await using t = await team();
  const first = await t.run(["credentials", "dev"]);
  assertEquals(first.code, 0, first.stderr);
  const warm = await t.run(["credentials", "dev"]);
  assertEquals(accessKey(warm), accessKey(first), "the cache did not serve: the test is void");
  await Deno.mkdir(`${t.home.cacheDir}/revocations`, { recursive: true });
  const file = `${t.home.cacheDir}/revocations/00000000deadbeef.json`;
  const seen = new Set([accessKey(first)]);
  for (const [what, text] of DAMAGED) {
    await Deno.writeTextFile(file, text);
    for (let i = 0; i < 2; i++) {
      const run = await t.run(["credentials", "dev"]);
      assertEquals(run.code, 0, `${what}: ${run.stderr}`);
      assertTrue(!seen.has(accessKey(run)), `${what}: a cached session was handed out again`);
      seen.add(accessKey(run));
      assertIncludes(run.stderr, "00000000deadbeef.json");
      assertTrue(!/\n\s+at /.test(run.stderr), run.stderr);
    }
  }
  // A revocation made on this host meanwhile neither crashes on it nor removes it.
  const revoked = await t.as("bob", ["revoke", "--user", "carol", "--profiles", "dev"]);
  assertEquals(revoked.code, 0, revoked.stderr);
  assertEquals(await Deno.readTextFile(file), DAMAGED.at(-1)![1]);
  const issued = (await t.home.readLog()).filter((r) =>
    r.profile === "dev" && r.outcome === "issued"
  );
  assertEquals(issued.map((r) => r.cache_hit), [
    false,
    true,
    ...DAMAGED.flatMap(() => [false, false]),
  ]);
});

// ---------------------------------------------------------------------------------------------
// 8. exec --server while its user is revoked on the same host
// ---------------------------------------------------------------------------------------------

/** The child: asks the endpoint for credentials, waits for a file, asks again, prints both. */
const ASK_TWICE = `
import json, os, sys, time, urllib.request
uri, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
def ask():
    try:
        body = json.load(urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": token})))
        return body["AccessKeyId"]
    except Exception as error:
        return f"refused {error}"
print("first", ask(), flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.1)
print("second", ask(), flush=True)
`;

/** Reads `child`'s output until a line starts with `prefix`; that line. */
async function lineStarting(
  reader: ReadableStreamDefaultReader<string>,
  seen: string[],
  prefix: string,
): Promise<string> {
  for (;;) {
    const found = seen.find((line) => line.startsWith(prefix));
    if (found !== undefined) return found;
    const { value, done } = await reader.read();
    if (done) throw new Error(`no line "${prefix}…" in:\n${seen.join("\n")}`);
    const lines = value.split("\n").filter((line) => line !== "");
    seen.push(...lines);
  }
}

Deno.test("exec --server running while its user is revoked on the same host: the child's next credential request gets a new session", async () => {
  await using t = await team();
  const script = `${t.home.dir}/ask_twice.py`;
  const go = `${t.home.dir}/go`;
  await Deno.writeTextFile(script, ASK_TWICE);
  const child = spawnSentinel(
    ["exec", "--server", "dev", "--", `${ROOT}.tools/venv/bin/python`, script, go],
    { env: t.env },
  );
  const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const seen: string[] = [];
  try {
    const first = (await lineStarting(reader, seen, "first ")).slice(6);
    assertTrue(first.startsWith("AKIA") || first.startsWith("ASIA"), first);
    const revoked = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
    assertEquals(revoked.code, 0, revoked.stderr);
    await Deno.writeTextFile(go, "");
    const second = (await lineStarting(reader, seen, "second ")).slice(7);
    console.log(`first ${first}, after the revocation ${second}`);
    assertTrue(second.startsWith("AKIA") || second.startsWith("ASIA"), second);
    assertTrue(second !== first, "the revoked session was served again");
  } finally {
    clearTimeout(guard);
    await reader.cancel().catch(() => {});
    const status = await child.status;
    assertEquals(status.code, 0, await stderr);
  }
  const issued = (await t.home.readLog()).filter((r) =>
    r.profile === "dev" && r.outcome === "issued"
  );
  assertEquals(issued.length, 2, "one session before the revocation, one after");
});

// ---------------------------------------------------------------------------------------------
// 9. Clocks, dry runs, JSON errors, forged records
// ---------------------------------------------------------------------------------------------

const SKEWED = ["--preload", `${ROOT}test/support/skewed_clock.ts`];

/** alice's session of dev, issued now; when (epoch ms, as the decision log has it). */
async function aliceSession(t: Team): Promise<number> {
  const run = await t.run(["credentials", "dev", "--no-cache"]);
  assertEquals(run.code, 0, run.stderr);
  const issued = (await t.home.readLog()).filter((r) => r.outcome === "issued").at(-1)!;
  return Date.parse(issued.time as string);
}

Deno.test("a revoker whose clock lags 10 minutes (sqlite store) still cuts off the sessions issued just before", async () => {
  await using t = await team("sqlite");
  const issued = await aliceSession(t);
  const run = await t.run(
    ["revoke", "--user", "alice", "--profiles", "dev", "--aws-profile", "bob", "-o", "json"],
    { SENTINEL_TEST_CLOCK_OFFSET: String(-10 * MIN) },
    SKEWED,
  );
  assertEquals(run.code, 0, run.stderr);
  const before = Date.parse(JSON.parse(run.stdout).issued_before);
  assertTrue(before > issued, `cutoff ${iso(before)} spares a session of ${iso(issued)}`);
  const written = await rolePolicy(t, "SentinelDev");
  assertEquals(await decide(written, "SentinelDev", stamp("alice"), issued), "ExplicitlyDenied");
});

const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("a revoker whose clock lags 10 minutes (DynamoDB store, whose clock is AWS's) still cuts off a session issued 50 ms before it read the store's clock", async () => {
  await using t = await team("dynamodb");
  // The revoker's read of the store's clock, held until early in a second, then let through.
  await using gate = gateProxy(
    t.moto.endpoint,
    (body, headers) =>
      headers.get("x-amz-target")?.endsWith(".GetItem") === true && body.includes('"clock"'),
  );
  const revoking = t.run(
    ["revoke", "--user", "alice", "--profiles", "dev", "--aws-profile", "bob", "-o", "json"],
    { SENTINEL_TEST_CLOCK_OFFSET: String(-10 * MIN), AWS_ENDPOINT_URL_DYNAMODB: gate.endpoint },
    SKEWED,
  );
  await gate.held;
  while (Date.now() % 1000 < 200 || Date.now() % 1000 > 400) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const read = Date.now();
  gate.release();
  const run = await revoking;
  assertEquals(run.code, 0, run.stderr);
  const before = Date.parse(JSON.parse(run.stdout).issued_before);
  const issued = read - 50;
  const written = await rolePolicy(t, "SentinelDev");
  assertEquals(
    await decide(written, "SentinelDev", stamp("alice"), issued),
    "ExplicitlyDenied",
    `the cutoff ${iso(before)} spares alice's session issued at ${
      iso(issued)
    }, before the revocation read AWS's clock at ${iso(read)}`,
  );
});

Deno.test("a revoker whose clock runs 2 hours ahead (DynamoDB store, whose clock is AWS's) does not cut off the sessions its person gets after the revocation", async () => {
  await using t = await team("dynamodb");
  const started = Date.now();
  const run = await t.run(
    ["revoke", "--user", "alice", "--profiles", "dev", "--aws-profile", "bob", "-o", "json"],
    { SENTINEL_TEST_CLOCK_OFFSET: String(2 * HOUR) },
    SKEWED,
  );
  assertEquals(run.code, 0, run.stderr);
  const before = Date.parse(JSON.parse(run.stdout).issued_before);
  console.log(`cutoff ${(before - started) / MIN} minutes after the revocation was made`);
  const written = await rolePolicy(t, "SentinelDev");
  const next = Date.now() + 5 * MIN;
  assertEquals(
    await decide(written, "SentinelDev", stamp("alice"), next),
    "Allowed",
    "alice's next session, issued 5 minutes after the revocation, is cut off",
  );
  assertTrue(before - started < MIN, `the cutoff is ${(before - started) / MIN} min ahead`);
});

Deno.test("--dry-run records, writes, logs and keeps nothing, though it shows the document", async () => {
  await using t = await team();
  // A revocation policy as Sentinel writes it (carol revoked a minute ago).
  await putRolePolicy(t, "SentinelDev", lookalike({ Sid: "SentinelRevokedBefore20261207000000" }));
  const current = await rolePolicyText(t, "SentinelDev");
  const dry = await t.as("bob", ["revoke", "--user", "alice", "--dry-run", "-o", "json"]);
  assertEquals(dry.code, 0, dry.stderr);
  const answer = JSON.parse(dry.stdout);
  assertEquals([answer.dry_run, answer.revocation_ids], [true, []]);
  assertEquals(answer.roles.length, 2);
  const dev = answer.roles.find((r: { role_arn: string }) => r.role_arn === DEV_ROLE);
  assertEquals(patternsOf(dev.document), ["sentinel=alice=*", "sentinel=carol=*"]);
  assertEquals(await rolePolicyText(t, "SentinelDev"), current, "a dry run changed the policy");
  assertEquals(await rolePolicy(t, "SentinelProd"), undefined, "a dry run wrote a policy");
  assertEquals(await storedRevocations(t, DEV_ROLE), []);
  assertEquals(await storedRevocations(t, PROD_ROLE), []);
  assertEquals(await revocationLog(t), []);
  assertTrue(
    !(await Deno.stat(`${t.home.cacheDir}/revocations`).then(() => true, () => false)),
    "a dry run kept a revocation on this host",
  );
});

Deno.test("--output json: every failure of revoke is one JSON object on stderr, nothing on stdout", async () => {
  await using t = await team();
  await putRolePolicy(t, "SentinelProd", FOREIGN[0][1]);
  await using proxy = holdingProxy(t.moto.endpoint, "Action=GetRolePolicy");
  const cases: [string, string[], Record<string, string>, number, string][] = [
    ["usage", ["--user", ""], {}, 2, "usage"],
    ["commander usage", ["--user"], {}, 2, "usage"],
    ["no request", ["--request", "0123456789abcdef"], {}, 2, "not_found"],
    ["foreign policy", ["--user", "alice", "--profiles", "prod"], {}, 3, "revocation_unreadable"],
    [
      "IAM hangs",
      ["--user", "alice", "--profiles", "dev"],
      {
        AWS_ENDPOINT_URL_IAM: proxy.endpoint,
        SENTINEL_TIMEOUT: "3s",
      },
      6,
      "aws_failure",
    ],
  ];
  for (const [what, args, env, code, kind] of cases) {
    const run = await t.run(["revoke", ...args, "--aws-profile", "bob", "--output", "json"], env);
    assertEquals(run.code, code, `${what}: ${run.stderr}`);
    assertEquals(run.stdout, "", `${what}: stdout`);
    assertEquals(run.stderr.trim().split("\n").length, 1, `${what}: ${run.stderr}`);
    const error = JSON.parse(run.stderr);
    assertEquals([error.exit_code, error.code], [code, kind], `${what}: ${run.stderr}`);
  }
});

/** A revocation record of DEV_ROLE as anyone who can write the store could put it there. */
function forged(id: string, patterns: string[], before = Math.ceil(Date.now() / 1000) * 1000) {
  return {
    id,
    roleArn: DEV_ROLE,
    patterns,
    before,
    by: "alice",
    scope: { kind: "user" as const, user: "whoever" },
    reason: "",
    createdAt: Date.now(),
    expiresAt: before + 12 * HOUR,
  };
}

Deno.test("records forged in the store with wildcard patterns ('*', 'sentinel=*') do not make an administrator's revoke cut off everyone's sessions", async () => {
  await using t = await team();
  await forge(t, [forged("00000000000000a1", ["*"]), forged("00000000000000a2", ["sentinel=*"])]);
  const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(run.code, 0, run.stderr);
  const written = await rolePolicy(t, "SentinelDev");
  console.log(`written from the store: ${patternsOf(written).join(" ")}`);
  const issued = Date.now() - MIN;
  assertEquals(await decide(written, "SentinelDev", stamp("alice"), issued), "ExplicitlyDenied");
  for (const other of ["bob", "carol", "dave"]) {
    assertEquals(
      await decide(written, "SentinelDev", stamp(other), issued),
      "Allowed",
      `${other}'s session is cut off by a forged record, written with bob's credentials`,
    );
  }
});

Deno.test("a record forged in the store with a cutoff hours ahead does not cut off sessions issued after the revocation was written", async () => {
  await using t = await team();
  await forge(t, [forged("00000000000000b1", ["sentinel=carol=*"], Date.now() + 11 * HOUR)]);
  const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(run.code, 0, run.stderr);
  const written = await rolePolicy(t, "SentinelDev");
  console.log(
    `cutoffs written: ${
      written?.Statement.map((s) => s.Condition.DateLessThan["aws:TokenIssueTime"]).join(" ")
    }`,
  );
  assertEquals(
    await decide(written, "SentinelDev", stamp("carol"), Date.now() + HOUR),
    "Allowed",
    "carol's session issued an hour from now is cut off by a cutoff 11 hours ahead",
  );
});

Deno.test("records forged in the store cannot stop a revocation from being written (too large for IAM even as one statement)", async () => {
  await using t = await team();
  const bulky = (n: number) =>
    Array.from(
      { length: 50 },
      (_, i) => `sentinel=${String(n * 50 + i).padStart(4, "0")}${"x".repeat(110)}=*`,
    );
  await forge(t, [forged("00000000000000c1", bulky(0)), forged("00000000000000c2", bulky(1))]);
  const run = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
  if (run.code !== 0) console.log(`exit ${run.code}: ${run.stderr.trim()}`);
  assertEquals(run.code, 0, run.stderr);
  const written = await rolePolicy(t, "SentinelDev");
  assertEquals(
    await decide(written, "SentinelDev", stamp("alice"), Date.now() - MIN),
    "ExplicitlyDenied",
    "alice's sessions are not cut off",
  );
});

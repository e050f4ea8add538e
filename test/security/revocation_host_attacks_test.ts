/**
 * `sentinel revoke` (issue 21) attacked on the revoker's host and in the store, end to end against
 * moto's IAM: a damaged revocation in the cache folder; `exec --server` running while its user is
 * revoked; a revoker whose clock lags or runs ahead; `--dry-run`; `--output json` on errors;
 * records forged in the store (writable by every user in local mode): wildcards, a cutoff hours
 * ahead, bulk that makes every revocation of the role too large for IAM. Each test is named for
 * the guarantee it checks.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { holdingProxy } from "../harness/holding_proxy.ts";
import type { SentinelRun } from "../harness/sentinel.ts";
import { spawnSentinel } from "../harness/sentinel.ts";
import { type Team } from "../harness/team.ts";
import { ROOT } from "../harness/tools.ts";
import {
  decide,
  DEV_ROLE,
  FOREIGN,
  forge,
  gateProxy,
  HOUR,
  lookalike,
  MIN,
  patternsOf,
  PROD_ROLE,
  putRolePolicy,
  revocationLog,
  rolePolicy,
  rolePolicyText,
  stamp,
  storedRevocations,
  team,
} from "../harness/revocation_attacks.ts";

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

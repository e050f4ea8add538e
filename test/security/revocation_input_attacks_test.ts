/**
 * `sentinel revoke` (issue 21) attacked with bad input, end to end against moto's IAM (the AWS CLI
 * reading back what IAM holds, iam-simulate deciding what a written document denies): a glob or an
 * odd name never cuts off anyone else; bad names, ids and empty lists are usage errors (exit 2)
 * that record and write nothing; long names sharing a prefix, and a long name's break-glass
 * sessions; a `--role` of another account; a foreign `SentinelRevocations` on the role, or one
 * that only looks like Sentinel's. Each test is named for the guarantee it checks.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { faultyProxy } from "../harness/faulty_proxy.ts";
import { formatSourceIdentity } from "../../src/core/issuance/source_identity.ts";
import {
  assertNothingDone,
  assertUsageError,
  decide,
  DEV_ROLE,
  FOREIGN,
  lookalike,
  MIN,
  patternsOf,
  putRolePolicy,
  revocationLog,
  rolePolicy,
  rolePolicyText,
  stamp,
  storedRevocations,
  team,
} from "../harness/revocation_attacks.ts";

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

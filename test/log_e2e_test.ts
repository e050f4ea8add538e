/**
 * `sentinel log` shows every kind of record the decision log holds — decisions, approval
 * transitions, break-glass steps — in the table and as JSON lines, with the filters working on
 * all of them, and an issuance under break-glass (or an approval) standing out in its row with
 * the event's (or request's) id. Real IAM users, the real store (SQLite) and moto.
 */
import { assertEquals, assertIncludes, assertMatch } from "./assert.ts";
import { credentialProcess } from "./harness/aws_home.ts";
import { startTeam } from "./harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    reason: production needs a second pair of eyes
  - name: ops-closed
    effect: deny
    conditions: { profiles: [ops] }
    reason: ops is closed outside emergencies
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
breakglass:
  - name: sre-emergency
    profiles: [ops]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
`;

Deno.test("sentinel log shows approval transitions, break-glass steps and the issuances under them, in the table and as JSON, with filters", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) + `
[profile ops]
credential_process = ${credentialProcess("ops")}
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelOps
sentinel_source_profile = alice
sentinel_policy = ${t.policyPath}
region = us-east-1
`,
  );
  const requested = await t.run([
    "request",
    "prod",
    "--reason",
    "deploy 1.2.3",
    "--duration",
    "1h",
    "--output",
    "json",
  ]);
  assertEquals(requested.code, 0, requested.stderr);
  const requestId = JSON.parse(requested.stdout).id as string;
  assertEquals((await t.as("bob", ["approve", requestId, "--comment", "go"])).code, 0);
  const underApproval = await t.run(["credentials", "prod"]);
  assertEquals(underApproval.code, 0, underApproval.stderr);
  const invoked = await t.run([
    "breakglass",
    "ops",
    "--reason-code",
    "incident",
    "--justification",
    "INC-4711 checkout down",
    "--duration",
    "30m",
    "--output",
    "json",
  ]);
  assertEquals(invoked.code, 0, invoked.stderr);
  const eventId = JSON.parse(invoked.stdout).id as string;
  const underBreakglass = await t.run(["credentials", "ops"]);
  assertEquals(underBreakglass.code, 0, underBreakglass.stderr);
  const closed = await t.as("alice", ["breakglass", "close", eventId, "--reason", "mitigated"]);
  assertEquals(closed.code, 0, closed.stderr);

  // JSON: every record, as logged.
  const json = await t.run(["log", "--output", "json"]);
  assertEquals(json.code, 0, json.stderr);
  const records = json.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assertEquals(records.map((r) => [r.type, r.to ?? r.action ?? r.outcome]), [
    ["approval", "pending"],
    ["approval", "approved"],
    ["decision", "issued"],
    ["breakglass", "invoked"],
    ["decision", "issued"],
    ["breakglass", "closed"],
  ]);
  assertEquals(records[2].approval_request_id, requestId);
  assertEquals(records[4].breakglass_event_id, eventId);

  // The table: one row per record; the issuances under an approval or break-glass say so.
  const table = await t.run(["log"]);
  assertEquals(table.code, 0, table.stderr);
  const rows = table.stdout.trim().split("\n");
  assertEquals(rows.length, 7, table.stdout);
  assertMatch(rows[1], new RegExp(`alice +prod +approval +pending .*${requestId} +- → pending`));
  assertMatch(
    rows[2],
    new RegExp(`bob +prod +approval +approved .*${requestId} +pending → approved`),
  );
  assertMatch(
    rows[3],
    new RegExp(`alice +prod +require_approval +issued .* approved request ${requestId}: `),
  );
  assertMatch(
    rows[4],
    new RegExp(`alice +ops +BREAK-GLASS +invoked .*${eventId} +incident: INC-4711`),
  );
  assertMatch(rows[5], new RegExp(`alice +ops +deny +issued .* BREAK-GLASS ${eventId}: `));
  assertMatch(rows[6], new RegExp(`alice +ops +BREAK-GLASS +closed .*closed: mitigated`));

  // Filters work on every kind.
  const only = async (...args: string[]) => {
    const run = await t.run(["log", "--output", "json", ...args]);
    assertEquals(run.code, 0, run.stderr);
    return run.stdout.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  };
  assertEquals((await only("--type", "breakglass")).map((r) => r.action), ["invoked", "closed"]);
  assertEquals((await only("--type", "approval,breakglass")).length, 4);
  assertEquals((await only("--user", "bob")).map((r) => [r.type, r.to]), [[
    "approval",
    "approved",
  ]]);
  assertEquals((await only("--for-profile", "ops")).length, 3);
  assertEquals((await only("--effect", "require_approval")).map((r) => [r.type, r.profile]), [
    ["decision", "prod"],
  ]);
  assertEquals((await only("--limit", "1")).map((r) => r.action), ["closed"]);
  const bad = await t.run(["log", "--type", "decisions"]);
  assertEquals(bad.code, 2);
  assertIncludes(
    bad.stderr,
    '--type "decisions" is not a kind of log record: use decision, approval, breakglass, revocation, policy_change, log_repair',
  );
});

/**
 * Break-glass end to end with real IAM users and the real AWS CLI against moto: a profile the
 * rules deny becomes reachable for the invoker (sessions end no later than the event, stamped
 * `sentinel=<user>=bg<event>`), a user without a rule stays denied, close ends access, review by
 * the invoker is refused and by a reviewer accepted, require_review blocks then unblocks, an event
 * with less than 15 minutes left issues nothing, and 20 concurrent invocations under a one-per-user
 * quota let exactly one through — on SQLite and on DynamoDB.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws, credentialProcess } from "./harness/aws_home.ts";
import { startTeam } from "./harness/team.ts";
import { openStores } from "../src/adapters/stores/open.ts";
import { openEvent } from "../src/core/breakglass/transitions.ts";

const POLICY = `version: "1"
rules:
  - name: prod-closed
    effect: deny
    conditions: { profiles: ["prod*"] }
    reason: prod is closed outside emergencies
approvals:
  - name: prod-approvers
    profiles: ["prod*"]
    approvers: [bob]
breakglass:
  - name: sre-emergency
    profiles: ["prod*"]
    users: [alice]
    reason_codes: [incident, security]
    max_duration: 1h
    require_review: true
    reviewers: [carol]
`;

/** carol's own guarded profile for the same role. */
const CAROL_PROFILE = (policyPath: string) => `
[profile prod-carol]
credential_process = ${credentialProcess("prod-carol")}
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = carol
sentinel_policy = ${policyPath}
`;

Deno.test("break-glass: denied profile opens for the invoker, bounded by the event; close, review and require_review", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) + CAROL_PROFILE(t.policyPath),
  );
  const denied = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertTrue(denied.code !== 0, "prod was open before break-glass");

  const carol = await t.run([
    "breakglass",
    "prod-carol",
    "--reason-code",
    "incident",
    "--justification",
    "x",
  ]);
  assertEquals(carol.code, 4, carol.stderr);
  assertIncludes(carol.stderr, "no breakglass: rule allows carol to break glass into prod-carol");
  const wrongCode = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "maintenance",
    "--justification",
    "x",
  ]);
  assertEquals(wrongCode.code, 4);
  assertIncludes(wrongCode.stderr, "allowed: incident, security");

  const invoked = await t.run([
    "breakglass",
    "prod",
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
  const event = JSON.parse(invoked.stdout);
  assertEquals([event.invoker, event.profile, event.reason_code], ["alice", "prod", "incident"]);
  const endsAt = Date.parse(event.ends_at);

  const opened = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertEquals(opened.code, 0, opened.stderr);
  assertEquals(
    JSON.parse(opened.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
  );
  const [call] = await t.moto.assumeRoleCalls();
  assertEquals(call.get("SourceIdentity"), `sentinel=alice=bg${event.id}`);
  // When the session was issued, as the decision log recorded it (the test's own clock runs on
  // while the AWS CLI returns): from then, the session must end by the event's end.
  const issuedUnder = (await t.home.readLog()).find((r) =>
    r.type === "decision" && r.outcome === "issued" && r.breakglass_event_id === event.id
  );
  assertTrue(
    Date.parse(String(issuedUnder!.time)) + Number(call.get("DurationSeconds")) * 1000 <=
      endsAt + 1000,
    "the session outlives the event",
  );
  const stillDenied = await aws(
    ["sts", "get-caller-identity", "--profile", "prod-carol"],
    t.home.env,
  );
  assertTrue(stillDenied.code !== 0, "carol got prod through alice's break-glass");

  const log = await t.home.readLog();
  const issued = log.find((r) => r.type === "decision" && r.outcome === "issued")!;
  assertEquals([issued.breakglass_event_id, issued.effect], [event.id, "deny"]);
  const elevated = log.filter((r) => r.elevated === true).map((r) => r.action);
  assertEquals(elevated, ["invoked"]);

  const selfReview = await t.as("alice", ["breakglass", "review", event.id, "--notes", "all fine"]);
  assertEquals(selfReview.code, 4);
  assertIncludes(selfReview.stderr, "invoked break-glass event");

  const closed = await t.as("alice", ["breakglass", "close", event.id, "--reason", "mitigated"]);
  assertEquals(closed.code, 0, closed.stderr);
  const afterClose = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertTrue(afterClose.code !== 0, "prod stayed open after close");
  assertEquals((await t.moto.assumeRoleCalls()).length, 1);

  const blocked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "again",
  ]);
  assertEquals(blocked.code, 4);
  assertIncludes(blocked.stderr, `last break-glass event ${event.id} has not been reviewed yet`);
  const reviewed = await t.as("carol", [
    "breakglass",
    "review",
    event.id,
    "--notes",
    "root cause: expired cert",
  ]);
  assertEquals(reviewed.code, 0, reviewed.stderr);
  const unblocked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "security",
    "--justification",
    "again",
  ]);
  assertEquals(unblocked.code, 0, unblocked.stderr);

  const listed = await t.as("bob", ["breakglass", "list", "--output", "json"]);
  const events = JSON.parse(listed.stdout).events;
  assertEquals(events.length, 2);
  assertEquals(events[1].reviewed_by, "carol");
  const unreviewed = JSON.parse(
    (await t.as("bob", ["breakglass-list", "--unreviewed", "--output", "json"])).stdout,
  );
  assertEquals(unreviewed.events.length, 1);
  const actions = (await t.home.readLog()).filter((r) => r.elevated === true).map((r) => r.action);
  assertEquals(actions, ["invoked", "closed", "reviewed", "invoked"]);
  assertEquals((await t.run(["audit", "verify"])).code, 0);
});

Deno.test("break-glass shorter than 20 minutes is refused up front; with under 15 minutes left, nothing is issued", async () => {
  await using t = await startTeam({
    store: "sqlite",
    policy: POLICY.replace("require_review: true", "require_review: false"),
  });
  const short = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "short",
    "--duration",
    "15m",
  ]);
  assertEquals(short.code, 2, short.stderr);
  assertIncludes(short.stderr, "must be a duration from 20m to 12h");
  // Refused before anything was recorded: there is not even a store yet (and listing does not
  // create one).
  const listed = await t.as("bob", ["breakglass", "list", "--output", "json"]);
  assertEquals([listed.code, JSON.parse(listed.stderr).error], [3, "store_missing"], listed.stderr);

  // An event that started 50 minutes ago and ends in 10 (as time passes on a real one).
  const stores = await openStores({ kind: "sqlite", name: t.store.slice(7), text: t.store });
  const now = Date.now();
  const event = openEvent({
    id: "00112233aabbccdd",
    invoker: "alice",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
    reasonCode: "incident",
    justification: "late in the event",
    rule: "sre-emergency",
    now: now - 50 * 60_000,
    endsAt: now + 10 * 60_000,
  });
  assertEquals((await stores.breakglass.invoke(event, [])).ok, true);
  stores.close();
  const refused = await t.run(["credentials", "prod"]);
  assertEquals(refused.code, 4);
  assertEquals(refused.stdout, "");
  assertMatch(
    refused.stderr,
    /only 9m5\ds of the access window remain, less than the 15 minutes STS can issue/,
  );
  assertEquals((await t.moto.assumeRoleCalls()).length, 0);
});

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`20 concurrent break-glass invocations under a one-per-user quota on ${store}: exactly one`, async () => {
    const policy = POLICY.replace(
      "require_review: true",
      "quota: { per_user: { max: 1, window: 24h } }",
    );
    await using t = await startTeam({ store, policy });
    const runs = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          t.run([
            "breakglass",
            "prod",
            "--reason-code",
            "incident",
            "--justification",
            `race ${i}`,
          ]),
      ),
    );
    const ok = runs.filter((run) => run.code === 0);
    assertEquals(ok.length, 1, runs.map((r) => `${r.code} ${r.stderr}`).join("\n"));
    // A loser meets the winner's event (open: one per person and profile, or still being
    // announced) or, once it is closed, the quota.
    const refused = runs.filter((run) => run.code !== 0);
    assertTrue(
      refused.every((run) =>
        run.code === 4 &&
        ["already have break-glass", "its announcement is under way", "per-user quota (1 per 24h)"]
          .some((text) => run.stderr.includes(text))
      ),
      refused.map((run) => run.stderr).join("\n"),
    );
    const listed = JSON.parse(
      (await t.as("bob", ["breakglass", "list", "--output", "json"])).stdout,
    );
    assertEquals(listed.events.length, 1);
    // Closed, the event no longer blocks a new one: the quota does.
    const closed = await t.as("alice", [
      "breakglass",
      "close",
      listed.events[0].id,
      "--reason",
      "x",
    ]);
    assertEquals(closed.code, 0, closed.stderr);
    const after = await t.run(["breakglass", "prod", "--reason-code", "incident", "-j", "again"]);
    assertEquals(after.code, 4, after.stderr);
    assertIncludes(after.stderr, "the per-user quota (1 per 24h) of alice is used up");
  });
}

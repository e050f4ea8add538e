import { assertEquals } from "../../../test/assert.ts";
import { policyFromYaml } from "../../../test/support/policy_from_yaml.ts";
import { compilePolicy } from "./evaluate.ts";
import { replayDecisions } from "./impact.ts";

const NEW = compilePolicy(policyFromYaml(`
version: "1"
rules:
  - name: no-bob
    effect: deny
    conditions: { users: [bob] }
  - name: prod-asks
    effect: require_approval
    conditions: { profiles: [prod], users: [carol] }
  - name: weekdays
    effect: allow
    conditions:
      profiles: [prod, dev]
      users: [alice, bob, carol, dave]
      time: { days: [monday, tuesday, wednesday, thursday, friday], timezone: Europe/Berlin }
  - name: servers
    effect: allow
    conditions: { profiles: [dev], users: [erin], mode: [server] }
`));

const MONDAY = "2026-12-07T09:00:00.000Z";
const SUNDAY = "2026-12-06T09:00:00.000Z";

const decision = (over: Record<string, unknown>) => ({
  type: "decision",
  time: MONDAY,
  user: "alice",
  profile: "prod",
  role_arn: "arn:aws:iam::123456789012:role/Prod",
  mode: "credential_process",
  effect: "allow",
  rule: "weekdays",
  request_id: "0123456789abcdef",
  ...over,
});

Deno.test("replay: each decision decided again with the inputs recorded then; flips by kind, the deciding rule, grouped by rule and person", () => {
  const report = replayDecisions([
    decision({}), // unchanged
    decision({ user: "bob" }), // allow → deny by no-bob
    decision({ user: "carol", rule: "old-open" }), // allow → require_approval
    decision({ user: "dave", time: SUNDAY }), // allow → deny: weekdays only now
    decision({ user: "dave", effect: "deny", rule: null, profile: "dev" }), // deny → allow
    decision({ user: "alice", rule: "old-rule" }), // same effect, another rule
    decision({ user: "erin", profile: "dev", mode: "cli", effect: "allow", rule: "x" }), // mode matters
    decision({ user: "erin", profile: "dev", mode: "server", effect: "allow", rule: "servers" }),
    { type: "approval", time: MONDAY, action: "approved", requester: "bob" }, // not a decision
  ], NEW);
  assertEquals(
    report.flips.map((f) => [f.decision.user, f.change, f.now.rule]),
    [
      ["bob", "allow→deny", "no-bob"],
      ["carol", "allow→require_approval", "prod-asks"],
      ["dave", "allow→deny", null],
      ["dave", "deny→allow", "weekdays"],
      ["alice", "rule", "weekdays"],
      ["erin", "allow→deny", null],
    ],
  );
  assertEquals([report.decisions, report.replayed, report.unchanged], [8, 8, 2]);
  assertEquals(report.byPerson.slice(0, 2), [{ key: "dave", flips: 2 }, {
    key: "alice",
    flips: 1,
  }]);
  assertEquals(report.byRule.map((g) => g.key), [
    "(default deny) → weekdays",
    "old-open → prod-asks",
    "old-rule → weekdays",
    "weekdays → (default deny)",
    "weekdays → no-bob",
    "x → (default deny)",
  ]);
});

Deno.test("replay: decisions issued under an approval or a break-glass event are named, never guessed; incomplete lines counted; --since", () => {
  const report = replayDecisions(
    [
      decision({
        user: "bob",
        approval_request_id: "00000000000000aa",
        effect: "require_approval",
      }),
      decision({ user: "bob", breakglass_event_id: "00000000000000bb", effect: "deny" }),
      decision({ user: undefined }),
      decision({ time: "not a time" }),
      decision({ user: "bob", time: "2026-01-01T00:00:00Z" }),
    ],
    NEW,
    Date.parse("2026-06-01T00:00:00Z"),
  );
  assertEquals(report.unreplayed.map((u) => u.why), [
    "issued under approval request 00000000000000aa",
    "issued under break-glass event 00000000000000bb",
  ]);
  assertEquals([report.decisions, report.replayed, report.incomplete, report.flips.length], [
    4,
    0,
    2,
    0,
  ]);
});

Deno.test("replay: Sentinel v1's decision lines (no type) are replayed too", () => {
  const v1 = { time: MONDAY, user: "bob", profile: "prod", effect: "allow", rule: "old" };
  assertEquals(replayDecisions([v1], NEW).flips.map((f) => f.change), ["allow→deny"]);
});

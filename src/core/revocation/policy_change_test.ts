import { assertEquals } from "../../../test/assert.ts";
import { policyFromYaml } from "../../../test/support/policy_from_yaml.ts";
import { accessLost } from "./policy_change.ts";

const NOON = Date.parse("2026-12-07T12:00:00Z");
const PROD = { profile: "prod", roleArn: "arn:aws:iam::123456789012:role/SentinelProd" };
const DEV = { profile: "dev", roleArn: "arn:aws:iam::123456789012:role/SentinelDev" };

const OLD = policyFromYaml(`
version: "1"
rules:
  - name: devs
    effect: allow
    conditions: { users: [alice, bob, carol], profiles: [prod, dev] }
  - name: ops
    effect: allow
    conditions: { users: ["ops-*"], profiles: [prod] }
`);

Deno.test("who a change takes access from: named people the old policy allowed and the new one denies or sends to approval, per profile", () => {
  const next = policyFromYaml(`
version: "1"
rules:
  - name: no-alice
    effect: deny
    conditions: { users: [alice] }
  - name: bob-asks
    effect: require_approval
    conditions: { users: [bob], profiles: [prod] }
  - name: devs
    effect: allow
    conditions: { users: [alice, bob, carol, dave], profiles: [prod, dev] }
`);
  const impact = accessLost(OLD, next, [PROD, DEV], NOON);
  assertEquals(
    impact.lost.map((l) => [l.user, l.profile, l.was.rule, l.now.effect, l.now.rule]),
    [
      ["alice", "prod", "devs", "deny", "no-alice"],
      ["bob", "prod", "devs", "require_approval", "bob-asks"],
      ["alice", "dev", "devs", "deny", "no-alice"],
    ],
  );
  assertEquals(impact.unlisted, ["ops-*"], "a pattern cannot be listed: named as unchecked");
  assertEquals(accessLost(OLD, OLD, [PROD, DEV], NOON).lost, [], "no change, nobody");
  assertEquals(
    accessLost(next, OLD, [PROD], NOON).lost.map((l) => [l.user, l.now.rule]),
    [["dave", null]],
    "back again: alice and bob gain access (not listed), dave loses it to the default deny",
  );
});

Deno.test("access lost in one credential mode only counts (a rule for exec --server no longer matches)", () => {
  const next = policyFromYaml(`
version: "1"
rules:
  - name: no-server
    effect: deny
    conditions: { users: [carol], mode: [server] }
  - name: devs
    effect: allow
    conditions: { users: [alice, bob, carol], profiles: [prod, dev] }
`);
  assertEquals(
    accessLost(OLD, next, [PROD], NOON).lost.map((l) => [l.user, l.now.rule]),
    [["carol", "no-server"]],
  );
});

/**
 * Attack: break-glass rules match profile names only, and profile names are the invoker's own
 * (~/.aws/config). A `roles:` condition exists "so editing ~/.aws/config cannot point an allowed
 * profile at another role" (DESIGN §5) — but an active break-glass event overrides *any* deny,
 * including one on the role, so a new profile `prod-admin` that matches the rule's `prod*` and
 * points at a role the policy never hands out gets that role.
 *
 * Fails on the code it was written against: src/core/breakglass/rules.ts breakglassRuleFor
 * (no role check; the schema has no `roles`), src/core/issuance/verdict.ts (a break-glass cover
 * overrides every deny).
 */
import { assertEquals } from "../assert.ts";
import { startTeam } from "../harness/team.ts";

const ADMIN = "arn:aws:iam::123456789012:role/OrgAdmin";
const POLICY = `version: "1"
rules:
  - name: never-admin
    effect: deny
    conditions: { roles: ["${ADMIN}"] }
    reason: OrgAdmin is never handed out through Sentinel
  - name: prod-closed
    effect: deny
    conditions: { profiles: ["prod*"] }
    reason: prod is closed outside emergencies
breakglass:
  - name: sre
    profiles: ["prod*"]
    users: [alice]
    max_duration: 1h
`;

Deno.test("attack: break-glass into a self-made profile pointing at a role the policy denies outright", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const config = `${t.home.dir}/.aws/config`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)) + `
[profile prod-admin]
sentinel_role_arn = ${ADMIN}
sentinel_source_profile = alice
sentinel_policy = ${t.policyPath}
region = us-east-1
`,
  );
  const invoked = await t.run([
    "breakglass",
    "prod-admin",
    "--reason-code",
    "incident",
    "--justification",
    "INC-1",
  ]);
  const issued = await t.run(["credentials", "prod-admin"]);
  assertEquals(
    issued.stdout,
    "",
    `break-glass (exit ${invoked.code}) handed out ${ADMIN}, which a rule denies for everyone`,
  );
  assertEquals(issued.code, 4, issued.stderr);
  const [call] = await t.moto.assumeRoleCalls();
  assertEquals(call, undefined, `AssumeRole was called for ${call?.get("RoleArn")}`);
});

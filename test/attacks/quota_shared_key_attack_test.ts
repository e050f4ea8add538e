/**
 * Attack on break-glass rate limits: the per-user quota's key is `user:<name>` whatever the rule,
 * and each invocation prunes the uses under a key that are older than *its own* rule's window
 * (SQLite: DELETE … used_at <= at - windowMs; DynamoDB: the rewritten uses list keeps only those
 * inside the window). A second rule with a short window therefore erases the uses a first rule
 * with a long window still counts: alice's "2 per hour" on prod is reset by one invocation on
 * staging, whose rule allows "10 per 2 s": prod sees only the staging use, and lets a third
 * prod invocation through within the hour.
 *
 * Fails on the code it was written against: src/adapters/stores/sqlite.ts invoke (the DELETE),
 * src/adapters/stores/dynamodb.ts invoke (`kept`), src/core/breakglass/rules.ts invocationPlan
 * (a key shared across rules).
 */
import { assertEquals } from "../assert.ts";
import { credentialProcess } from "../harness/aws_home.ts";
import { startTeam } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - { name: closed, effect: deny, conditions: { profiles: [prod, staging] }, reason: closed }
breakglass:
  - name: prod-emergency
    profiles: [prod]
    users: [alice]
    max_duration: 1h
    quota: { per_user: { max: 2, window: 1h } }
  - name: staging-emergency
    profiles: [staging]
    users: [alice]
    max_duration: 1h
    quota: { per_user: { max: 10, window: 2s } }
`;

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`attack: on ${store}, a short-window rule erases the uses a long-window rule still counts`, async () => {
    await using t = await startTeam({
      store,
      policy: POLICY,
      extraConfig: `
[profile staging]
credential_process = ${credentialProcess("staging")}
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelStaging
sentinel_source_profile = alice
sentinel_policy = POLICY_PATH
region = us-east-1
`,
    });
    const config = `${t.home.dir}/.aws/config`;
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace("POLICY_PATH", t.policyPath),
    );
    // Each event is closed at once: one person holds one open event per profile, and the
    // quota is what this attack is about.
    const invoke = async (profile: string) => {
      const run = await t.run([
        "breakglass",
        profile,
        "--reason-code",
        "incident",
        "--justification",
        "INC-1",
        "--output",
        "json",
      ]);
      if (run.code === 0) {
        const id = JSON.parse(run.stdout).id;
        const closed = await t.as("alice", ["breakglass", "close", id, "--reason", "done"]);
        assertEquals(closed.code, 0, closed.stderr);
      }
      return run;
    };
    for (let i = 0; i < 2; i++) {
      const used = await invoke("prod");
      assertEquals(used.code, 0, used.stderr);
    }
    const blocked = await invoke("prod");
    assertEquals(blocked.code, 4, "the prod quota (2 per hour) did not hold at all");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const staging = await invoke("staging");
    assertEquals(staging.code, 0, staging.stderr);
    const again = await invoke("prod");
    assertEquals(
      again.code,
      4,
      `a third prod break-glass within the hour went through after one on staging: ${again.stdout}`,
    );
  });
}

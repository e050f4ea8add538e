/**
 * Revocation in broker mode, against moto with IAM checks on: alice, who may do nothing in AWS but
 * prove who she is, breaks glass and closes the event through the broker; under `revoke_on_end`
 * the broker revokes that event's sessions on the protected role with its own identity (granted
 * what `enforce broker-iam` grants), and the client is told so. The document IAM holds afterwards
 * denies her break-glass session and not her ordinary ones (iam-simulate; moto ignores Conditions).
 */
import { assertEquals, assertIncludes } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { brokerWorld, PROD_ROLE } from "./harness/broker.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { decideUnderRevocation } from "./support/revocation_simulation.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";

const POLICY = `version: "1"
rules:
  - name: prod-closed
    effect: deny
    conditions: { profiles: [prod] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h, revoke_on_end: true }
`;

Deno.test("broker mode: closing a break-glass event under revoke_on_end revokes its sessions with the broker's identity, and the client is told", async () => {
  await using world = await brokerWorld({ policy: POLICY, people: "nothing" });
  const alice = await world.client("alice");
  const invoked = await runSentinel(
    ["breakglass", "prod", "--reason-code", "incident", "--justification", "INC-3", "-o", "json"],
    { env: alice.env },
  );
  assertEquals(invoked.code, 0, invoked.stderr);
  const id = JSON.parse(invoked.stdout).id as string;
  const issued = await runSentinel(["credentials", "prod"], { env: alice.env });
  assertEquals(issued.code, 0, issued.stderr);
  const closed = await runSentinel(
    [
      "breakglass",
      "close",
      id,
      "--reason",
      "fixed",
      "--server",
      world.broker.url,
      "--aws-profile",
      "base",
    ],
    { env: alice.env },
  );
  assertEquals(closed.code, 0, closed.stderr);
  assertIncludes(closed.stdout, `those issued under it were revoked on ${PROD_ROLE}`);

  const got = await aws([
    "iam",
    "get-role-policy",
    "--role-name",
    "SentinelProd",
    "--policy-name",
    "SentinelRevocations",
    "--query",
    "PolicyDocument",
  ], world.adminEnv);
  assertEquals(got.code, 0, got.stderr);
  const document = JSON.parse(got.stdout);
  const stamp = formatSourceIdentity("alice", id, { breakglass: true });
  const earlier = Date.now() - 60_000;
  const session = (s: string) => ({ role: "SentinelProd", stamp: s, issued: earlier });
  assertEquals(await decideUnderRevocation(document, session(stamp)), "ExplicitlyDenied");
  assertEquals(
    await decideUnderRevocation(
      document,
      session(formatSourceIdentity("alice", "0123456789abcdef")),
    ),
    "Allowed",
  );
  const logged = (await world.brokerHome.readLog()).filter((r) => r.type === "revocation");
  assertEquals(logged.map((r) => [r.action, r.actor, r.breakglass_event_id]), [[
    "revoked",
    "sentinel",
    id,
  ]]);
});

/**
 * Access Sentinel grants can be used: it never hands out a session that expires before a tool can
 * use it, and never creates one it then refuses.
 *
 * - A 15-minute approval (the shortest duration `--duration` accepts) issues credentials once
 *   approved.
 * - A 15-minute break-glass (a rule's `max_duration`) issues, or is refused before it pages anyone.
 * - A `refresh_window` as long as the session is a configuration error (exit 3) naming
 *   refresh_window, found before any AssumeRole.
 * - `exec --server` with a refresh window near the session length refuses to start (exit 3) or
 *   serves sessions with a lease left: never an AssumeRole per request, each already expiring.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { startTeam } from "../harness/team.ts";

const SHORTEST_POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 15m }
`;

Deno.test("a 15-minute approval, the shortest duration accepted, issues credentials once approved", async () => {
  await using t = await startTeam({ store: "sqlite", policy: SHORTEST_POLICY });
  const created = await t.run([
    "request",
    "prod",
    "--reason",
    "quick fix",
    "--duration",
    "15m",
    "--output",
    "json",
  ]);
  if (created.code !== 0) return; // refused up front: fine
  const id = JSON.parse(created.stdout).id;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(issued.code, 0, `approved for 15m, yet: ${issued.stderr}`);
});

Deno.test("a 15-minute break-glass (the rule's max_duration) issues, or is refused before it pages anyone", async () => {
  await using t = await startTeam({ store: "sqlite", policy: SHORTEST_POLICY });
  const invoked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "INC-1",
  ]);
  const issued = await t.run(["credentials", "prod"]);
  assertTrue(
    invoked.code !== 0 || issued.code === 0,
    `break-glass was invoked (${invoked.stdout.trim()}) but can never issue: ${issued.stderr}`,
  );
});

Deno.test("a refresh_window as long as the session is a configuration error (exit 3) naming it, found before any AssumeRole", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["credentials", "prod"], {
    env: { ...t.home.env, SENTINEL_REFRESH_WINDOW: "1h" },
  });
  const assumed = (await t.moto.assumeRoleCalls()).length;
  assertEquals(
    { code: run.code, assumed },
    { code: 3, assumed: 0 },
    run.stderr,
  );
  assertTrue(/refresh_window|REFRESH_WINDOW/.test(run.stderr), run.stderr);
});

const FETCH = `
import json, os, time, urllib.request
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
for i in range(5):
    request = urllib.request.Request(url, headers={"Authorization": token})
    try:
        body = json.load(urllib.request.urlopen(request))
        print("served", body["AccessKeyId"], body["Expiration"], int(time.time()), flush=True)
    except Exception as error:
        print("refused", error, flush=True)
    time.sleep(0.3)
`;

Deno.test("exec --server with a refresh window near the session length refuses to start (exit 3) or serves leases of 2 s or more, not a new session per request", async () => {
  // 15-minute sessions (900 s) with a refresh window of 898 s; the child asks five times.
  await using t = await setupScenario("alice", "file", "sentinel_refresh_window = 898s");
  const script = `${t.home.dir}/fetch.py`;
  await Deno.writeTextFile(script, FETCH);
  const run = await runSentinel(
    ["exec", "--server", "--duration", "15m", "prod", "--", "python3", script],
    { env: t.home.env },
  );
  const served = run.stdout.split("\n").filter((line) => line.startsWith("served "));
  const keys = new Set(served.map((line) => line.split(" ")[1]));
  const leases = served.map((line) => {
    const [, , expiration, now] = line.split(" ");
    return Date.parse(expiration) / 1000 - Number(now);
  });
  const issued = (await t.home.readLog()).filter((r) => r.outcome === "issued").length;
  assertTrue(
    run.code === 3 || (keys.size <= 2 && leases.every((s) => s >= 2)),
    `exit ${run.code}; 5 requests got ${keys.size} different sessions, ${issued} issuances logged, ` +
      `leases (s): ${leases.join(", ")}\n${run.stdout}${run.stderr}`,
  );
});

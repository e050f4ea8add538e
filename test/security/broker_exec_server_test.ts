/**
 * `sentinel exec --server` through a broker (DESIGN §15: "the local credential cache and `exec
 * --server` refresh work as before"), on real peers: alice's client runs a long child — a boto3
 * loop holding one client, and the real AWS CLI started every round — whose credentials come
 * from the loopback endpoint, refreshed from the broker. As in test/exec_server_e2e_test.ts, the
 * refresh window is set close to the 900 s session (892 s), so sessions need refreshing within
 * seconds. Then the policy file *on the broker* turns to deny: the next refresh is refused by the
 * broker, and the child's calls fail from then on. The revocation is the broker's alone: the
 * client has no policy.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import { assertNoSecrets } from "../harness/broker_attacks.ts";
import { spawnSentinel } from "../harness/sentinel.ts";
import { ROOT } from "../harness/tools.ts";

const PYTHON = `${ROOT}.tools/venv/bin/python`;

/** The child: one boto3 client for its whole life, and a fresh AWS CLI process every round. */
const CHILD = `
import os, subprocess, sys, time
import boto3
stop = sys.argv[1]
sts = boto3.client("sts")
i = 0
while not os.path.exists(stop) and i < 200:
    i += 1
    try:
        print(f"boto3 {i} ok {sts.get_caller_identity()['Arn']}", flush=True)
    except Exception as error:
        print(f"boto3 {i} refused {type(error).__name__}: {str(error)[:300]}", flush=True)
    cli = subprocess.run(["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
                         capture_output=True, text=True)
    if cli.returncode == 0:
        print(f"cli {i} ok {cli.stdout.strip()}", flush=True)
    else:
        print(f"cli {i} refused exit {cli.returncode}: {cli.stderr.strip()[-300:]}", flush=True)
    time.sleep(0.5)
print("child done", flush=True)
`;

const DENY_ALICE = `version: "1"
rules:
  - name: alice-revoked
    effect: deny
    conditions: { users: [alice] }
    reason: alice's access was revoked
`;

Deno.test("exec --server through the broker: the child outlives two refreshes from the broker; once the broker's policy denies, the next refresh is refused and so is every call after it", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice", undefined, "sentinel_refresh_window = 892s");
  const script = `${alice.dir}/child.py`;
  const stop = `${alice.dir}/stop`;
  await Deno.writeTextFile(script, CHILD);
  const child = spawnSentinel(
    ["exec", "--server", "--duration", "15m", "prod", "--", PYTHON, script, stop],
    { env: { ...alice.env, PATH: `${ROOT}.tools/venv/bin:${Deno.env.get("PATH")}` } },
  );
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 240_000);
  const lines: string[] = [];
  const reading = (async () => {
    let partial = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      lines.push(...parts);
    }
  })();
  const stderr = new Response(child.stderr).text();
  const until = async (test: () => boolean | Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await test()) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return await test();
  };
  const ok = (kind: string) => lines.filter((l) => l.startsWith(`${kind} `) && l.includes(" ok "));
  const refused = (kind: string) =>
    lines.filter((l) => l.startsWith(`${kind} `) && l.includes(" refused"));
  const issued = async () =>
    (await world.moto.assumeRoleCalls()).filter((call) => call.has("SourceIdentity")).length;
  const credentialCalls = () =>
    world.broker.accessLog().filter((line) => line.path === "/v1/credentials");

  // Phase 1: the first session and two refreshes, all from the broker, and the child still working.
  let okBefore = { boto3: 0, cli: 0 };
  const refreshed = await until(async () => {
    if ((await issued()) < 3) {
      okBefore = { boto3: ok("boto3").length, cli: ok("cli").length };
      return false;
    }
    return ok("boto3").length > okBefore.boto3 && ok("cli").length > okBefore.cli;
  }, 120_000);
  assertTrue(refreshed, `no two refreshes in time:\n${lines.join("\n")}`);
  const allowedSessions = await issued();
  assertEquals(refused("boto3").concat(refused("cli")), [], lines.join("\n"));
  assertTrue(credentialCalls().length >= 3, "every session came from the broker");
  const linesBeforeDeny = lines.length;

  // Phase 2: the broker's policy now denies alice.
  await Deno.writeTextFile(world.policyFile, DENY_ALICE);
  const cut = await until(() => refused("boto3").length > 0 && refused("cli").length > 0, 120_000);
  assertTrue(cut, `calls were not refused after the deny:\n${lines.join("\n")}`);
  await Deno.writeTextFile(stop, "");
  const status = await child.status;
  clearTimeout(guard);
  await reading;
  const err = await stderr;
  assertEquals(status.code, 0, err);

  assertEquals(await issued(), allowedSessions, "no session after the deny");
  const firstRefusal = lines.findIndex((l) => l.includes(" refused"));
  assertTrue(firstRefusal >= linesBeforeDeny);
  assertEquals(lines.slice(firstRefusal).filter((l) => l.includes(" ok ")).length, 0);
  for (const line of ok("boto3").concat(ok("cli"))) {
    assertMatch(line, /arn:aws:sts::123456789012:assumed-role\/SentinelProd\/alice$/);
  }
  // The broker decided each session and the refusal; the client decided nothing.
  const records = await world.brokerHome.readLog();
  assertEquals(records.filter((r) => r.outcome === "issued").length, allowedSessions);
  const last = records.at(-1)!;
  assertEquals([last.outcome, last.rule, last.user], ["denied", "alice-revoked", "alice"]);
  assertEquals(await alice.readLog(), []);
  assertTrue(credentialCalls().some((line) => line.status === 403), "the broker refused");
  assertIncludes(err, "alice's access was revoked");
  assertIncludes(err, "the credential endpoint for prod now refuses");
  assertNoSecrets([world.broker], [
    world.keys.alice.secretAccessKey,
    world.keys.broker.secretAccessKey,
  ]);
  assertTrue(!err.includes(world.keys.alice.secretAccessKey), "alice's key in the client's stderr");
  console.log(
    `sessions from the broker while allowed: ${allowedSessions}; ${ok("boto3").length} boto3 and ${
      ok("cli").length
    } AWS CLI calls ok, then ${refused("boto3").length + refused("cli").length} refused`,
  );
});

/**
 * `sentinel exec --server` end to end against moto: a long-running child — a boto3 loop holding
 * one client, and the real AWS CLI started on every round — fetches its credentials from the
 * loopback endpoint. STS sessions last at least 900 s, so the refresh window is set close to that
 * (892 s): every session is near expiry within seconds, which makes refreshes happen while the
 * test watches, counted as AssumeRole calls in moto's recorder. Then the policy file turns to deny:
 * the next refresh is refused, and the child's next calls fail.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { setupScenario } from "./harness/scenario.ts";
import { spawnSentinel } from "./harness/sentinel.ts";
import { ROOT } from "./harness/tools.ts";

const PYTHON = `${ROOT}.tools/venv/bin/python`;
const REFRESH_WINDOW = "892s";

/** The child: one boto3 client for its whole life, and a fresh AWS CLI process every round. */
const CHILD = `
import os, subprocess, sys, time
import boto3
stop = sys.argv[1]
sts = boto3.client("sts")
print("env", "keys" if "AWS_ACCESS_KEY_ID" in os.environ else "no-keys",
      os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", "no-uri"), flush=True)
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

/** A running `sentinel exec --server`, whose child's output is read line by line. */
function startServerExec(env: Record<string, string>, args: string[]) {
  const child = spawnSentinel(args, { env });
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
  return {
    lines,
    /** Waits until `test` holds, polling; false after `ms`. */
    async until(test: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (await test()) return true;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return await test();
    },
    async finish() {
      const status = await child.status;
      clearTimeout(guard);
      await reading;
      return { code: status.code, stderr: await stderr };
    },
  };
}

Deno.test("exec --server: a boto3 loop and the AWS CLI outlive two refreshes; after the policy turns to deny the next refresh fails and the next calls are refused", async () => {
  await using t = await setupScenario(
    "alice",
    "file",
    `sentinel_refresh_window = ${REFRESH_WINDOW}`,
  );
  const script = `${t.home.dir}/child.py`;
  const stop = `${t.home.dir}/stop`;
  await Deno.writeTextFile(script, CHILD);
  const run = startServerExec(
    { ...t.home.env, PATH: `${ROOT}.tools/venv/bin:${Deno.env.get("PATH")}` },
    ["exec", "--server", "--duration", "15m", "prod", "--", PYTHON, script, stop],
  );
  const ok = (kind: string) =>
    run.lines.filter((l) => l.startsWith(`${kind} `) && l.includes(" ok "));
  const refused = (kind: string) =>
    run.lines.filter((l) => l.startsWith(`${kind} `) && l.includes(" refused"));
  const assumeRoles = async () => (await t.moto.assumeRoleCalls()).length;

  // Phase 1: the initial session plus two refreshes, and both clients still working after them.
  let okBefore = { boto3: 0, cli: 0 };
  const refreshed = await run.until(async () => {
    if ((await assumeRoles()) < 3) {
      okBefore = { boto3: ok("boto3").length, cli: ok("cli").length };
      return false;
    }
    return ok("boto3").length > okBefore.boto3 && ok("cli").length > okBefore.cli;
  }, 120_000);
  assertTrue(refreshed, `no two refreshes in time:\n${run.lines.join("\n")}`);
  const allowedSessions = await assumeRoles();
  assertEquals(refused("boto3").concat(refused("cli")), [], run.lines.join("\n"));
  const linesBeforeDeny = run.lines.length;

  // Phase 2: the policy now denies alice; the next refresh is refused and so are the calls.
  await Deno.writeTextFile(t.policyPath, DENY_ALICE);
  const cut = await run.until(
    () => refused("boto3").length > 0 && refused("cli").length > 0,
    120_000,
  );
  assertTrue(cut, `calls were not refused after the deny:\n${run.lines.join("\n")}`);
  await Deno.writeTextFile(stop, "");
  const { code, stderr } = await run.finish();
  assertEquals(code, 0, stderr);

  // The child saw an endpoint on loopback and no keys.
  assertMatch(run.lines[0], /^env no-keys http:\/\/127\.0\.0\.1:\d+\/sentinel\/credentials$/);
  // No AssumeRole after the deny, and nothing worked again once refused.
  assertEquals(await assumeRoles(), allowedSessions);
  const firstRefusal = run.lines.findIndex((l) => l.includes(" refused"));
  assertTrue(firstRefusal >= linesBeforeDeny);
  // Until the session held has reached its refresh window the child keeps working (at most one
  // lease, ~8 s here); from the first refusal on, the endpoint never serves again.
  const servedAfterChange = run.lines.slice(linesBeforeDeny, firstRefusal)
    .filter((l) => l.includes(" ok ")).length;
  const lateOk = run.lines.slice(firstRefusal).filter((l) => l.includes(" ok ")).length;
  assertEquals(lateOk, 0, run.lines.join("\n"));
  for (const line of ok("boto3").concat(ok("cli"))) {
    assertIncludes(line, "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice");
  }

  // Every session and the refusal are in the decision log.
  const records = await t.home.readLog();
  const issued = records.filter((r) => r.outcome === "issued" && r.cache_hit === false);
  assertEquals(issued.length, allowedSessions);
  const last = records.at(-1)!;
  assertEquals([last.outcome, last.rule, last.user], ["denied", "alice-revoked", "alice"]);
  assertIncludes(stderr, "alice's access was revoked");
  assertIncludes(stderr, "the credential endpoint for prod now refuses");

  const before = run.lines.slice(0, linesBeforeDeny);
  const okBeforeChange = (kind: string) => before.filter((l) => l.startsWith(`${kind} `)).length;
  console.log([
    `AssumeRole calls while allowed: ${allowedSessions} (1 initial + ${
      allowedSessions - 1
    } refreshes)`,
    `before the policy change: ${okBeforeChange("boto3")} boto3 and ${
      okBeforeChange("cli")
    } AWS CLI calls, all ok`,
    `after it: ${servedAfterChange} calls still served from the session held, then ${
      refused("boto3").length
    } boto3 and ${refused("cli").length} AWS CLI calls refused and none served again`,
    `AssumeRole calls after the deny: ${(await assumeRoles()) - allowedSessions}`,
  ].join("\n"));
});

Deno.test("exec --server: a wrong token is refused, the child's own token works, and Sentinel never prints it", async () => {
  await using t = await setupScenario("alice");
  const probe = `
import json, os, urllib.request, urllib.error
uri, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
for label, value in (("none", None), ("wrong", token[:-1] + ("A" if token[-1] != "A" else "B")), ("right", token)):
    request = urllib.request.Request(uri, headers={} if value is None else {"Authorization": value})
    try:
        body = json.load(urllib.request.urlopen(request))
        print(label, 200, sorted(body))
    except urllib.error.HTTPError as error:
        print(label, error.code, json.load(error)["code"])
print("token", token)
`;
  const run = startServerExec(t.home.env, ["exec", "--server", "prod", "--", PYTHON, "-c", probe]);
  const { code, stderr } = await run.finish();
  assertEquals(code, 0, stderr);
  assertEquals(run.lines.slice(0, 3), [
    "none 401 unauthorized",
    "wrong 401 unauthorized",
    "right 200 ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']",
  ]);
  const token = run.lines[3].slice("token ".length);
  assertTrue(token.length >= 43);
  assertTrue(!stderr.includes(token), "the token reached Sentinel's stderr");
});

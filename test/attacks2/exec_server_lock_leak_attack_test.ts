/**
 * The issuance lock (src/adapters/credential_cache.ts FileCache.lock) races `file.lock()` against
 * a timer; when the timer wins it returns `undefined` and carries on without the lock — but the
 * flock request stays pending on an fd nobody closes. "The pending request dies with this
 * short-lived process" — except in `exec --server`, which lives for hours: once the other holder
 * lets go, the pending request acquires the lock and holds it until the job ends. From then on
 * every refresh of the job itself (a new fd, which conflicts with the leaked one) and every cold
 * `sentinel credentials` for the profile waits the whole `timeout` (30 s by default) for a lock
 * nobody will release. AWS SDKs give the container endpoint about 1–2 s (boto3: 2 s, 3 tries), so
 * every refresh of the job fails.
 *
 * Reproduced: an `exec --server` job refreshes every few seconds (refresh_window 892 s, 15 min
 * sessions, timeout 3 s); another process holds the lock once for longer than the timeout (as a
 * slow STS call or an aws-vault prompt in another Sentinel does). After it has let go, the lock
 * must be free and refreshes fast again.
 *
 * Expected: a lock wait that times out closes its file (cancelling the request), so no lock is
 * acquired later behind the caller's back.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";

const LOOP = `
import json, os, sys, time, urllib.request
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
open(sys.argv[1], "w").write("ready")
start = time.time()
while time.time() - start < 28:
    t = time.time()
    body = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": token})))
    print(f"{t - start:.1f} {time.time() - t:.2f} {body['AccessKeyId']}", flush=True)
    time.sleep(0.5)
`;

Deno.test("attack: after one lock wait times out, exec --server holds the issuance lock for good: every later refresh waits the whole timeout", async () => {
  await using t = await setupScenario("alice");
  const script = `${t.home.dir}/loop.py`;
  const ready = `${t.home.dir}/ready`;
  await Deno.writeTextFile(script, LOOP);
  const env = { ...t.home.env, SENTINEL_TIMEOUT: "3s", SENTINEL_REFRESH_WINDOW: "892s" };
  const [command, ...args] = sentinelCommand();
  const job = new Deno.Command(command, {
    args: [
      ...args,
      "exec",
      "--server",
      "--duration",
      "15m",
      "prod",
      "--",
      "python3",
      script,
      ready,
    ],
    env: baseEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = job.output();
  const deadline = Date.now() + 60_000;
  while (!(await Deno.stat(ready).then(() => true, () => false)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const locks = [...Deno.readDirSync(`${t.home.cacheDir}/locks`)].map((e) => e.name);
  assertEquals(locks.length, 1, `lock files: ${locks}`);
  const lock = `${t.home.cacheDir}/locks/${locks[0]}`;

  // Another process holds the lock for 10 s, across the job's first refresh (about 8 s in).
  const holder = await new Deno.Command("flock", { args: [lock, "sleep", "10"] }).spawn().status;
  assertTrue(holder.success);
  // It has let go. Nobody should hold the lock now.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const free = await new Deno.Command("flock", { args: ["-n", lock, "true"] }).output();

  const { stdout, stderr } = await output;
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  // Refreshes (a new key) after the holder let go, and how long each took.
  const slow = lines.map((line) => line.split(" ")).filter(([at, took]) =>
    Number(at) > 11 && Number(took) >= 2.5
  );
  assertEquals(
    { lockFreeAfterHolderLeft: free.code === 0, slowRefreshesAfterwards: slow.length },
    { lockFreeAfterHolderLeft: true, slowRefreshesAfterwards: 0 },
    `child's fetches (start s, took s, key):\n${lines.join("\n")}\n${
      new TextDecoder().decode(stderr)
    }`,
  );
});

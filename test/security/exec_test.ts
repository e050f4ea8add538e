/**
 * `sentinel exec` and `exec --server` (DESIGN §6) behave as the terminal and the job runner expect
 * of the program they run.
 *
 * - A signal sent to the whole process group (Ctrl-C at the terminal, `kill -TERM -<pgid>` from a
 *   job runner or `timeout`) reaches the child once, never twice.
 * - A credential source's prompt (aws-vault's keyring passphrase) reaches the terminal, and the
 *   answer typed there is read.
 * - `exec --server` never keeps the issuance lock after a lock wait timed out: once the other
 *   holder lets go, the lock is free and the job's refreshes are fast again.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { waitForFile } from "../harness/files.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, sentinelCommand, spawnSentinel } from "../harness/sentinel.ts";
import { ROOT, toolPath } from "../harness/tools.ts";

/** Counts the signal it is told to count for 5 s, then prints the count and exits 0. */
const COUNTER = `
import signal, sys, time
name = sys.argv[2]
count = 0
def handler(signum, frame):
    global count
    count += 1
signal.signal(getattr(signal, name), handler)
open(sys.argv[1], "w").write("ready")
start = time.time()
while time.time() - start < 5:
    time.sleep(0.05)
print("received", count, flush=True)
`;

/** Runs the counter under `sentinel exec` in a process group of its own, signals the group once. */
async function groupSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP"): Promise<string> {
  await using t = await setupScenario("alice");
  const script = `${t.home.dir}/counter.py`;
  const ready = `${t.home.dir}/ready`;
  await Deno.writeTextFile(script, COUNTER);
  // setsid: Sentinel leads a fresh process group, as a shell's foreground job does.
  const child = new Deno.Command("setsid", {
    args: [...sentinelCommand(), "exec", "prod", "--", "python3", script, ready, signal],
    env: baseEnv(t.home.env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await waitForFile(ready);
  // What the terminal does on Ctrl-C (or a job runner on stop): one signal to the whole group.
  const kill = await new Deno.Command("kill", {
    args: [`-${signal.slice(3)}`, "--", `-${child.pid}`],
  })
    .output();
  assertEquals(kill.code, 0, new TextDecoder().decode(kill.stderr));
  const output = await child.output();
  return new TextDecoder().decode(output.stdout).trim();
}

Deno.test("one Ctrl-C (SIGINT to the foreground process group) reaches the exec child once", async () => {
  assertEquals(await groupSignal("SIGINT"), "received 1");
});

Deno.test("one SIGTERM to the process group (a job runner's stop, timeout) reaches the exec child once", async () => {
  assertEquals(await groupSignal("SIGTERM"), "received 1");
});

const PASSPHRASE = "correct horse battery staple";

/** Runs argv under a pseudo-terminal, answers the passphrase prompt once, prints what it saw. */
const PTY = `
import json, os, pty, select, sys, time
argv = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
answered = False
start = time.time()
while time.time() - start < 60:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    if not answered and b"passphrase" in seen.lower():
        os.write(fd, sys.argv[2].encode() + b"\\n")
        answered = True
_, status = os.waitpid(pid, 0)
print(json.dumps({"answered": answered, "exit": os.waitstatus_to_exitcode(status),
                  "terminal": seen.decode(errors="replace")}))
`;

Deno.test("under exec, an aws-vault source's passphrase prompt reaches the terminal and the answer typed there is read", async () => {
  await using t = await setupScenario(
    "alice",
    "file",
    "sentinel_source = aws-vault\nsentinel_aws_vault_flags = --no-session\n",
  );
  await t.home.writeCredentials("");
  const vaultEnv = {
    ...t.home.env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
  };
  const add = await new Deno.Command(toolPath("aws-vault"), {
    args: ["add", "base", "--env"],
    env: {
      ...baseEnv(vaultEnv),
      AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE,
      AWS_ACCESS_KEY_ID: t.key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.key.secretAccessKey,
    },
    clearEnv: true,
    stdin: "null",
  }).output();
  assertEquals(add.code, 0, new TextDecoder().decode(add.stderr));

  // No AWS_VAULT_FILE_PASSPHRASE: aws-vault asks at the terminal, as it does when run directly.
  const script = `${t.home.dir}/run_in_terminal.py`;
  await Deno.writeTextFile(script, PTY);
  const argv = [...sentinelCommand(), "exec", "prod", "--", "sh", "-c", "echo CHILD RAN"];
  const run = await new Deno.Command("python3", {
    args: [script, JSON.stringify(argv), PASSPHRASE],
    env: baseEnv(vaultEnv),
    clearEnv: true,
    stdin: "null",
  }).output();
  const result = JSON.parse(
    new TextDecoder().decode(run.stdout) ||
      `{"terminal": ${JSON.stringify(new TextDecoder().decode(run.stderr))}}`,
  );
  assertEquals(
    { exit: result.exit, answered: result.answered },
    { exit: 0, answered: true },
    result.terminal,
  );
  assertIncludes(result.terminal, "CHILD RAN");
});

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

Deno.test("exec --server never keeps the issuance lock after a lock wait timed out: once the holder lets go, the lock is free and refreshes are fast", async () => {
  await using t = await setupScenario("alice");
  const script = `${t.home.dir}/loop.py`;
  const ready = `${t.home.dir}/ready`;
  await Deno.writeTextFile(script, LOOP);
  // 15-minute sessions with a refresh window of 892 s: the job refreshes every few seconds, and a
  // lock wait gives up after 3 s (the AWS SDKs give a container endpoint about 1–2 s).
  const env = { ...t.home.env, SENTINEL_TIMEOUT: "3s", SENTINEL_REFRESH_WINDOW: "892s" };
  const job = spawnSentinel(
    ["exec", "--server", "--duration", "15m", "prod", "--", "python3", script, ready],
    { env },
  );
  const output = job.output();
  await waitForFile(ready);
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

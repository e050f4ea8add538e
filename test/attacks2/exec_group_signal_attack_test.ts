/**
 * `sentinel exec` runs its child in Sentinel's own process group and terminal, and forwards every
 * signal it receives. But a signal sent to the process group — Ctrl-C at the terminal (SIGINT to
 * the foreground group), a terminal hangup, `kill -TERM -<pgid>` from a job runner or `timeout`
 * — already reaches the child directly; Sentinel forwards it again, so the child gets it twice.
 * Programs that treat a second interrupt as "abort now" (terraform: "Two interrupts received.
 * Exiting immediately. Note that data loss may have occurred.") are hard-killed by a single
 * Ctrl-C under `sentinel exec`.
 *
 * Expected: one Ctrl-C reaches the child once (DESIGN §6: exec "forwards signals", not
 * multiplies them). Fix: do not forward a signal that the terminal or a group kill delivered to
 * the child already (e.g. when Sentinel and the child share the foreground process group, forward
 * only signals sent to Sentinel alone; or start the child in its own process group that owns the
 * terminal).
 */
import { assertEquals } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";

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
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await Deno.stat(ready).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // What the terminal does on Ctrl-C (or a job runner on stop): one signal to the whole group.
  const kill = await new Deno.Command("kill", {
    args: [`-${signal.slice(3)}`, "--", `-${child.pid}`],
  })
    .output();
  assertEquals(kill.code, 0, new TextDecoder().decode(kill.stderr));
  const output = await child.output();
  return new TextDecoder().decode(output.stdout).trim();
}

Deno.test("attack: one Ctrl-C (SIGINT to the foreground process group) reaches the exec child twice", async () => {
  assertEquals(await groupSignal("SIGINT"), "received 1");
});

Deno.test("attack: one SIGTERM to the process group (job runner stop, timeout) reaches the exec child twice", async () => {
  assertEquals(await groupSignal("SIGTERM"), "received 1");
});

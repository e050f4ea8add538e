/**
 * One issuance per burst, under a cross-process lock that no crashed or stuck holder can keep:
 * 50 parallel cold `credentials` calls share one session from exactly one AssumeRole (moto's
 * recorder counts); a holder killed with SIGKILL in the middle of its AssumeRole frees the waiting
 * calls at once; a holder frozen with SIGSTOP keeps them no longer than the deadline.
 */
import { assertEquals, assertTrue } from "./assert.ts";
import { holdingProxy } from "./harness/holding_proxy.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel, spawnSentinel } from "./harness/sentinel.ts";

const BURST = 50;
const decoder = new TextDecoder();

/** Starts `sentinel credentials prod` without waiting for it. */
function spawnCredentials(env: Record<string, string>): Deno.ChildProcess {
  return spawnSentinel(["credentials", "prod"], { env });
}

/** Resolves with `promise`, or rejects with `message` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => timer = setTimeout(() => reject(new Error(message)), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

Deno.test("a burst of 50 parallel cold calls gets one session from exactly one AssumeRole", async () => {
  await using t = await setupScenario("alice");
  const runs = await Promise.all(
    Array.from({ length: BURST }, () => runSentinel(["credentials", "prod"], { env: t.home.env })),
  );
  for (const run of runs) assertEquals([run.code, run.stderr], [0, ""]);
  const sessions = new Set(runs.map((run) => JSON.parse(run.stdout).AccessKeyId));
  assertEquals(sessions.size, 1);
  assertEquals((await t.moto.assumeRoleCalls()).length, 1);
  // Every call is logged, one as the issuance and the rest as served from its cache entry.
  const log = await t.home.readLog();
  assertEquals(log.length, BURST);
  assertEquals(log.filter((record) => record.cache_hit === false).length, 1);
  const verify = await runSentinel(["audit", "verify", t.home.logFile]);
  assertEquals(verify.code, 0, verify.stdout + verify.stderr);
});

Deno.test("a lock holder killed mid-issue keeps no one waiting: the others issue once, at once", async () => {
  await using t = await setupScenario("alice");
  // The holder's AssumeRole is held by the proxy: it is frozen mid-issue, holding the lock.
  await using proxy = holdingProxy(t.moto.endpoint, "Action=AssumeRole");
  const env = { ...t.home.env, AWS_ENDPOINT_URL: proxy.endpoint, SENTINEL_TIMEOUT: "60s" };
  const holder = spawnCredentials(env);
  await within(proxy.held, 30_000, "the holder never reached AssumeRole");
  const waiters = Array.from({ length: 5 }, () => spawnCredentials(env));
  const early = await Promise.race([
    Promise.any(waiters.map((waiter) => waiter.status)).then(() => "one finished"),
    delay(2_000).then(() => "all waiting"),
  ]);
  assertEquals(early, "all waiting"); // they wait for the holder's lock

  const killedAt = Date.now();
  holder.kill("SIGKILL");
  assertEquals((await holder.output()).signal, "SIGKILL");
  const outputs = await within(
    Promise.all(waiters.map((waiter) => waiter.output())),
    30_000,
    "the waiters were still blocked 30 s after the holder died (their deadline is 60 s)",
  );
  const elapsed = Date.now() - killedAt;
  for (const output of outputs) assertEquals(output.code, 0, decoder.decode(output.stderr));
  const sessions = new Set(outputs.map((o) => JSON.parse(decoder.decode(o.stdout)).AccessKeyId));
  assertEquals(sessions.size, 1);
  // The killed holder's AssumeRole never reached STS; the waiters issued exactly once.
  assertEquals((await t.moto.assumeRoleCalls()).length, 1);
  assertTrue(elapsed < 30_000, `the waiters took ${elapsed} ms after the kill`);
});

Deno.test("a lock holder frozen mid-issue holds the others no longer than the deadline", async () => {
  await using t = await setupScenario("alice");
  await using proxy = holdingProxy(t.moto.endpoint, "Action=AssumeRole");
  const env = { ...t.home.env, AWS_ENDPOINT_URL: proxy.endpoint, SENTINEL_TIMEOUT: "4s" };
  const holder = spawnCredentials(env);
  try {
    await within(proxy.held, 30_000, "the holder never reached AssumeRole");
    // Frozen, it neither finishes nor reaches its own deadline, and it keeps its lock.
    holder.kill("SIGSTOP");
    const started = Date.now();
    const waiter = await runSentinel(["credentials", "prod"], { env });
    const waited = Date.now() - started;
    assertEquals(waiter.code, 0, waiter.stderr);
    assertTrue(waited >= 4_000, `the waiter did not wait for the lock (${waited} ms)`);
    assertTrue(waited < 14_000, `the waiter was held ${waited} ms; the deadline is 4 s`);
    assertEquals((await t.moto.assumeRoleCalls()).length, 1);
  } finally {
    holder.kill("SIGKILL");
    await holder.output();
  }
});

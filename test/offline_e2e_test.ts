/**
 * The air-gapped path, for real: with the Deno cache filled beforehand (`deno cache` of the
 * compile plan's modules, the same step docs/install.md gives for an offline build), Sentinel runs
 * with `deno run --cached-only` and the binary's flags inside a network namespace whose only
 * interface, loopback, is down (`unshare -n`; `unshare -rn` where only user namespaces are
 * allowed). In there: `check` both ways, `policy validate`, `policy lint`, `policy test`,
 * `requests` and `requests show` on a local SQLite store (expiring a due request and logging it),
 * `plugins list`, a bundled plugin and an external plugin pinned by hash, and `audit verify`. A
 * control run in the same kind of namespace shows that the network is really gone.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { cacheArgs, compilePlan } from "../scripts/compile_plan.ts";
import { runtimeFlags } from "../scripts/runtime_flags.ts";
import { openSqliteStores } from "../src/adapters/stores/sqlite.ts";
import type { ApprovalRequest } from "../src/core/approval/request.ts";
import { DENO_DIR, ROOT } from "./harness/tools.ts";
import { runProgram } from "./harness/run.ts";

/** How to enter a namespace with no network, or why none can be made here. */
function offlinePrefix(): { prefix: string[] } | { reason: string } {
  const tried: string[] = [];
  for (const prefix of [["unshare", "-n"], ["unshare", "-rn"]]) {
    try {
      const { code, stderr } = new Deno.Command(prefix[0], {
        args: [...prefix.slice(1), "true"],
        stdout: "null",
        stderr: "piped",
      }).outputSync();
      if (code === 0) return { prefix };
      tried.push(`${prefix.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
    } catch (error) {
      tried.push(`${prefix.join(" ")}: ${(error as Error).message}`);
    }
  }
  return { reason: tried.join("; ") };
}

const offline = offlinePrefix();
if ("reason" in offline) {
  console.error(
    `offline_e2e_test: SKIPPED — no network namespace can be created on this machine (${offline.reason}); run as root or where unprivileged user namespaces are allowed`,
  );
}

function request(id: string, now: number, expiresAt: number): ApprovalRequest {
  return {
    id,
    requester: "alice@example.com",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/SentinelProdAdmin",
    durationSeconds: 3600,
    reason: "deploy the hotfix",
    status: "pending",
    rule: "prod-approvers",
    requiredApprovals: 1,
    approvals: [],
    createdAt: now - 7_200_000,
    updatedAt: now - 7_200_000,
    expiresAt,
    version: 1,
  };
}

const NOTIFIER = `export default {
  async notify(event, ctx) {
    return { delivered: true, detail: "offline " + event.type + " to " + ctx.settings.channel };
  },
};
`;

Deno.test({
  name:
    "air-gapped: check, policy validate/lint/test, requests on SQLite, pinned plugins, audit and doctor run inside a network namespace with no network",
  ignore: "reason" in offline,
  async fn() {
    const prefix = "prefix" in offline ? offline.prefix : [];
    // 1. On the "connected" side: fill the Deno cache with everything the binary loads.
    const plan = await compilePlan(ROOT);
    assertEquals(plan.problems, []);
    const cache = await new Deno.Command(Deno.execPath(), {
      args: cacheArgs(plan),
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(cache.code, 0, new TextDecoder().decode(cache.stderr));

    // 2. The air-gapped machine's files: policy, Sentinel config with pinned plugins, SQLite store.
    const home = await Deno.makeTempDir({ prefix: "sentinel-offline-" });
    try {
      const now = Date.now();
      const store = `${home}/state/sentinel.db`;
      const stores = openSqliteStores(store);
      await stores.init();
      await stores.approvals.create(request("00000000000000a1", now, now + 3_600_000));
      await stores.approvals.create(request("00000000000000b2", now, now - 60_000));
      stores.close();
      const pluginBytes = new TextEncoder().encode(NOTIFIER);
      await Deno.writeFile(`${home}/notifier.js`, pluginBytes);
      const hash = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", pluginBytes)),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      await Deno.writeTextFile(
        `${home}/config.yaml`,
        `store: sqlite:${store}
plugins:
  - name: pager
    module: ${home}/notifier.js
    sha256: "${hash}"
    kind: notifier
    version: 1.0.0
    settings: { channel: "#ops" }
  - name: audit
    plugin: file_sink
    allow_write: [${home}/audit.jsonl]
    settings: { path: ${home}/audit.jsonl }
`,
      );
      const env = {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        NO_COLOR: "1",
        DENO_DIR,
        AWS_CONFIG_FILE: `${home}/no-aws-config`,
        AWS_SHARED_CREDENTIALS_FILE: `${home}/no-aws-credentials`,
        SENTINEL_CONFIG: `${home}/config.yaml`,
        SENTINEL_LOG_FILE: `${home}/state/decisions.jsonl`,
        SENTINEL_CACHE_DIR: `${home}/cache`,
      };
      const inNamespace = (argv: string[]) =>
        runProgram(prefix[0], [...prefix.slice(1), ...argv], { env });
      const transcript: string[] = [];
      // 3. On the air-gapped side: Sentinel from the filled cache, nothing fetched.
      const sentinel = async (args: string[]) => {
        const run = await inNamespace([
          Deno.execPath(),
          "run",
          "--quiet",
          "--cached-only",
          ...runtimeFlags(),
          "main.ts",
          ...args,
        ]);
        transcript.push(
          `$ sentinel ${args.join(" ")}  → exit ${run.code}`,
          ...run.stdout.trimEnd().split("\n").slice(0, 4).map((l) => `  ${l}`),
        );
        return run;
      };

      // The control: in such a namespace even loopback is down and nothing can be reached.
      const control = await inNamespace([
        Deno.execPath(),
        "eval",
        "try { await fetch('https://registry.npmjs.org/'); console.log('reached'); } catch (e) { console.log('unreachable: ' + e.name); }",
      ]);
      assertEquals(control.stdout.trim(), "unreachable: TypeError", control.stderr);
      transcript.push(`control: fetch https://registry.npmjs.org/ → ${control.stdout.trim()}`);

      const at = ["--at", "2026-03-02T10:00:00+01:00"];
      const role = ["--role-arn", "arn:aws:iam::123456789012:role/SentinelProdAdmin"];
      const policy = "examples/policy.yaml";
      const allow = await sentinel([
        "check",
        "prod",
        "--policy",
        policy,
        "--user",
        "alice@example.com",
        ...role,
        ...at,
      ]);
      assertEquals(allow.code, 0, allow.stderr);
      assertMatch(allow.stdout, /^ALLOW: prod for alice@example.com/);
      const deny = await sentinel([
        "check",
        "prod",
        "--policy",
        policy,
        "--user",
        "mallory@example.com",
        ...role,
        ...at,
      ]);
      assertEquals(deny.code, 4, deny.stderr);
      assertMatch(deny.stdout, /^DENY: prod for mallory@example.com/);

      const validate = await sentinel(["policy", "validate", policy]);
      assertEquals(validate.code, 0, validate.stderr);
      const lint = await sentinel(["policy", "lint", policy]);
      assertEquals(lint.code, 0, lint.stderr);
      const tests = await sentinel(["policy", "test", policy, "examples/policy_test.yaml"]);
      assertEquals(tests.code, 0, tests.stderr);
      assertMatch(tests.stdout, /\n13 passed, 0 failed\n$/);

      const list = await sentinel(["requests", "--output", "json"]);
      assertEquals(list.code, 0, list.stderr);
      const listed = JSON.parse(list.stdout);
      const statuses = Object.fromEntries(
        (listed.requests as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
      assertEquals(statuses, { "00000000000000a1": "pending", "00000000000000b2": "expired" });
      const show = await sentinel(["requests", "show", "00000000000000a1"]);
      assertEquals(show.code, 0, show.stderr);
      assertIncludes(show.stdout, "request 00000000000000a1: pending");

      const plugins = await sentinel(["plugins", "list"]);
      assertEquals(plugins.code, 0, plugins.stderr);
      assertIncludes(plugins.stdout, `sha256:      ${hash}`);
      const pager = await sentinel(["plugins", "test", "pager"]);
      assertEquals(pager.code, 0, pager.stderr);
      assertIncludes(pager.stdout, "offline test to #ops");
      const audit = await sentinel(["plugins", "test", "audit"]);
      assertEquals(audit.code, 0, audit.stderr);
      assertIncludes(await Deno.readTextFile(`${home}/audit.jsonl`), '"type":"plugin_test"');

      // The lazy expiry above was logged offline, hash-chained as always.
      const verify = await sentinel(["audit", "verify"]);
      assertEquals(verify.code, 0, verify.stderr + verify.stdout);
      const log = await Deno.readTextFile(env.SENTINEL_LOG_FILE);
      assertIncludes(log, "00000000000000b2");

      // doctor's offline checks answer at once; the ones that need AWS say so, with the fix.
      const started = performance.now();
      const doctor = await sentinel(["doctor"]);
      assertTrue(performance.now() - started < 10_000, "doctor took over 10 s offline");
      assertEquals(doctor.code, 11, doctor.stderr);
      assertIncludes(doctor.stdout, "✓ decision log:");
      assertMatch(doctor.stdout, /✗ clock: cannot compare with STS: cannot reach STS .*\n\s+fix: /);

      console.log(
        `network namespace: ${prefix.join(" ")} (loopback down)\n${transcript.join("\n")}`,
      );
      assertTrue(transcript.length > 10);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

/**
 * The release smoke test of one Sentinel executable, run on the machine it was built for: its
 * version, a policy decision either way, the example policy's tests, a bundled plugin (embedded in
 * the binary) writing a record, and a hostile external plugin, pinned by hash, whose every attempt
 * to reach the environment, the file system, a subprocess or an undeclared host is refused.
 * No AWS and no network are needed.
 *
 *   deno run -A scripts/smoke.ts -- dist/sentinel-0.1.0-x86_64-unknown-linux-gnu
 *   deno run -A scripts/smoke.ts -- deno run <flags> main.ts     # the same checks from source
 *
 * Prints one line per check and exits 1 when any fails.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };

/** One smoke check's outcome. */
export interface SmokeResult {
  name: string;
  ok: boolean;
  detail: string;
}

const ROOT = new URL("..", import.meta.url).pathname;

/** A plugin that tries to escape its sandbox and reports what happened as its error. */
export const HOSTILE_PLUGIN = `export default {
  async notify(event, ctx) {
    const attempts = [
      ["env", () => Deno.env.get("HOME")],
      ["read", () => Deno.readTextFileSync(ctx.settings.target)],
      ["run", () => new Deno.Command(Deno.execPath(), { args: ["--version"] }).outputSync()],
      ["net", () => fetch("https://example.com/")],
    ];
    const outcomes = [];
    for (const [what, attempt] of attempts) {
      try {
        await attempt();
        outcomes.push(what + ": escaped");
      } catch (error) {
        outcomes.push(what + ": " + error.name);
      }
    }
    throw new Error("attempts " + outcomes.join(", "));
  },
};
`;

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Runs every smoke check against `command` (the executable and any leading arguments). */
export async function smoke(command: readonly string[]): Promise<SmokeResult[]> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-smoke-" });
  const results: SmokeResult[] = [];
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const output = await new Deno.Command(command[0], {
      args: [...command.slice(1), ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", SENTINEL_CONFIG: `${dir}/none.yaml`, ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  };
  const check = (name: string, ok: boolean, detail: string) =>
    results.push({ name, ok, detail: detail.trim().split("\n").slice(0, 6).join(" / ") });
  try {
    const version = await run(["--version"]);
    check(
      "--version",
      version.code === 0 &&
        version.stdout.trim().split(" ").slice(0, 2).join(" ") === `sentinel ${denoConfig.version}`,
      `exit ${version.code}: ${version.stdout}${version.stderr}`,
    );

    const decide = (user: string) =>
      run([
        "check",
        "prod",
        "--policy",
        "examples/policy.yaml",
        "--user",
        user,
        "--role-arn",
        "arn:aws:iam::123456789012:role/SentinelProdAdmin",
        "--at",
        "2026-03-02T10:00:00+01:00",
      ]);
    const allow = await decide("alice@example.com");
    check(
      "check (allow)",
      allow.code === 0 && allow.stdout.startsWith("ALLOW"),
      `exit ${allow.code}: ${allow.stdout}${allow.stderr}`,
    );
    const deny = await decide("mallory@example.com");
    check(
      "check (deny)",
      deny.code === 4 && deny.stdout.startsWith("DENY"),
      `exit ${deny.code}: ${deny.stdout}${deny.stderr}`,
    );

    const tests = await run([
      "policy",
      "test",
      "examples/policy.yaml",
      "examples/policy_test.yaml",
    ]);
    check(
      "policy test",
      tests.code === 0 && / passed, 0 failed/.test(tests.stdout),
      `exit ${tests.code}: ${tests.stdout.trim().split("\n").at(-1)}${tests.stderr}`,
    );

    const hostile = new TextEncoder().encode(HOSTILE_PLUGIN);
    await Deno.writeFile(`${dir}/hostile.js`, hostile);
    const sink = `${dir}/audit.jsonl`;
    const config = `${dir}/config.yaml`;
    await Deno.writeTextFile(
      config,
      `plugins:
  - name: hostile
    module: ${JSON.stringify(`${dir}/hostile.js`)}
    sha256: "${await sha256Hex(hostile)}"
    kind: notifier
    version: 1.0.0
    settings: { target: ${JSON.stringify(config)} }
  - name: audit
    plugin: file_sink
    allow_write: [${JSON.stringify(sink)}]
    settings: { path: ${JSON.stringify(sink)} }
`,
    );
    const bundled = await run(["plugins", "test", "audit"], { SENTINEL_CONFIG: config });
    const written = await Deno.readTextFile(sink).catch(() => "");
    check(
      "bundled plugin (file_sink)",
      bundled.code === 0 && written.includes('"type":"plugin_test"'),
      `exit ${bundled.code}: ${bundled.stdout}${bundled.stderr}`,
    );
    const attack = await run(["plugins", "test", "hostile"], { SENTINEL_CONFIG: config });
    const expected = "attempts env: NotCapable, read: NotCapable, run: NotCapable, net: NotCapable";
    check(
      "hostile plugin contained",
      attack.code === 7 && attack.stderr.includes(expected),
      `exit ${attack.code}: ${attack.stderr}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return results;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--");
  const command = at === -1 ? Deno.args : Deno.args.slice(at + 1);
  if (command.length === 0) {
    console.error("usage: deno run -A scripts/smoke.ts -- <sentinel executable> [leading args]");
    Deno.exit(2);
  }
  const results = await smoke(command);
  for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}: ${r.detail}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}

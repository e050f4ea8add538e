/**
 * `sentinel init --policy <source>` checks only that the value is not blank, then writes it
 * verbatim as `sentinel_policy = <value>` into ~/.aws/config:
 *
 * 1. A value with a line break injects lines into the config: `--policy $'/p.yaml\n[profile
 *    evil]\ncredential_process = /bin/sh -c id'` exits 0 and leaves a new `[profile evil]` whose
 *    credential_process runs an arbitrary command (and moves init's own `region` line into it);
 *    the starter policy is written to a path with a newline in it.
 * 2. A path with ` #` or ` ;` in it (`~/policies/team #1.yaml`) is written whole as the starter
 *    policy, but the line `sentinel_policy = …/policies/team #1.yaml` reads back (aws_ini.ts:
 *    "a `#` or `;` after whitespace starts a comment") as `…/team policies/`: init says "Wrote",
 *    and the profile it wrote points at a policy that does not exist (exit 3 on every call).
 *
 * Expected (README "Commands": init exits 2 for usage errors; the brief: every bad input gets a
 * clear error and changes no state): a policy value that the config file cannot hold as written
 * is refused with exit 2 before anything is written; whatever init writes must read back as the
 * same value (so `check` of the profile init just set up finds the starter policy).
 * At fault: src/cli/init.ts:248 (the --policy validator only rejects blank text) and
 * src/core/init_config.ts:44 (profileSection writes values unescaped). Fix: refuse line breaks
 * (and other control characters) in every value written to the config, and refuse (or place
 * where no comment can start) values containing whitespace followed by `#` or `;`.
 */
import { assertEquals } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const CONFIG = "[profile base]\nregion = us-east-1\n";

async function home(): Promise<{ dir: string; env: Record<string, string> } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-init-" });
  await Deno.mkdir(`${dir}/.aws`);
  await Deno.writeTextFile(`${dir}/.aws/config`, CONFIG);
  return {
    dir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function init(policy: string): string[] {
  return [
    "init",
    "--yes",
    "--profile",
    "prod",
    "--role-arn",
    ROLE,
    "--source-profile",
    "base",
    "--user",
    "alice",
    "--policy",
    policy,
  ];
}

Deno.test("attack: init --policy with a line break injects a [profile evil] with its own credential_process into ~/.aws/config", async () => {
  await using h = await home();
  const policy = `${h.dir}/policy.yaml\n[profile evil]\ncredential_process = /bin/sh -c id`;
  const run = await runSentinel(init(policy), { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  assertEquals(
    { code: run.code, unchanged: after === CONFIG, injected: after.includes("[profile evil]") },
    { code: 2, unchanged: true, injected: false },
    `${run.stderr}\n--- config after init ---\n${after}`,
  );
});

Deno.test("attack: init --policy '<dir>/policies/team #1.yaml' writes the policy there but the profile reads back another path", async () => {
  await using h = await home();
  const policy = `${h.dir}/policies/team #1.yaml`;
  const run = await runSentinel(init(policy), { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  if (run.code === 2 && after === CONFIG) return; // refused before writing: fine
  assertEquals(run.code, 0, run.stderr);
  // The profile init just set up must use the starter policy init just wrote (alice is allowed).
  const check = await runSentinel(["check", "prod", "--user", "alice", "--role-arn", ROLE], {
    env: h.env,
  });
  assertEquals(check.code, 0, `${check.stderr}\n--- config ---\n${after}`);
});

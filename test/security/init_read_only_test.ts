/**
 * `sentinel init` and a file its owner made read-only (issue 17, robustness): a 0444
 * `~/.aws/config` (or, with --force, a 0444 policy file) is a "do not touch", yet init replaced it
 * by renaming a new file over it, which the file's mode does not stop. Now init refuses before
 * writing anything: it says the file is read-only and how to proceed (chmod u+w, or make the
 * change yourself); the files, their modes and the folder are as they were — no backup either.
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

const CONFIG = "[profile base]\nregion = us-east-1\n";
const POLICY = 'version: "1"\nrules: []\n';

function initArgs(policy: string, ...extra: string[]): string[] {
  return [
    "init",
    "--yes",
    "--profile",
    "prod",
    "--role-arn",
    "arn:aws:iam::123456789012:role/SentinelProd",
    "--source-profile",
    "base",
    "--user",
    "alice",
    "--policy",
    policy,
    "--output",
    "json",
    ...extra,
  ];
}

async function setup(configMode: number, policyMode?: number) {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-init-read-only-" });
  await Deno.mkdir(`${dir}/.aws`);
  await Deno.writeTextFile(`${dir}/.aws/config`, CONFIG);
  await Deno.chmod(`${dir}/.aws/config`, configMode);
  if (policyMode !== undefined) {
    await Deno.writeTextFile(`${dir}/policy.yaml`, POLICY);
    await Deno.chmod(`${dir}/policy.yaml`, policyMode);
  }
  return {
    dir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    },
    listing: () => [...Deno.readDirSync(`${dir}/.aws`)].map((e) => e.name).sort(),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("init refuses to replace a read-only ~/.aws/config; the file is unchanged and nothing is written", async () => {
  await using t = await setup(0o444);
  const run = await runSentinel(initArgs(`${t.dir}/policy.yaml`), { env: t.env });
  assertEquals(run.code, 1, run.stderr);
  const error = JSON.parse(run.stderr);
  assertEquals(error.error, "read_only_file");
  assertIncludes(error.message, `${t.dir}/.aws/config is read-only`);
  assertIncludes(error.message, `chmod u+w ${t.dir}/.aws/config`);
  assertIncludes(error.message, "nothing was written");
  assertEquals(await Deno.readTextFile(`${t.dir}/.aws/config`), CONFIG);
  assertEquals((await Deno.stat(`${t.dir}/.aws/config`)).mode! & 0o777, 0o444);
  assertEquals(t.listing(), ["config"], "a backup or temp file was left");
  assertEquals(await Deno.stat(`${t.dir}/policy.yaml`).then(() => true, () => false), false);

  // Once its owner allows it, init writes it.
  await Deno.chmod(`${t.dir}/.aws/config`, 0o644);
  const allowed = await runSentinel(initArgs(`${t.dir}/policy.yaml`), { env: t.env });
  assertEquals(allowed.code, 0, allowed.stderr);
  assertIncludes(await Deno.readTextFile(`${t.dir}/.aws/config`), "[profile prod]");
});

Deno.test("init --force refuses to replace a read-only policy file, before writing the config", async () => {
  await using t = await setup(0o600, 0o444);
  const run = await runSentinel(initArgs(`${t.dir}/policy.yaml`, "--force"), { env: t.env });
  assertEquals(run.code, 1, run.stderr);
  assertIncludes(JSON.parse(run.stderr).message, `${t.dir}/policy.yaml is read-only`);
  assertEquals(await Deno.readTextFile(`${t.dir}/policy.yaml`), POLICY);
  assertEquals(await Deno.readTextFile(`${t.dir}/.aws/config`), CONFIG);
  assertEquals(t.listing(), ["config"]);
});

/**
 * `sentinel init` decides whether the profile already exists by comparing raw header lines
 * (`line.trim()` == `[profile prod]`), not by the config reader it ships with. A header with a
 * trailing comment — `[profile prod] # managed by the platform team`, which both the AWS CLI
 * (botocore) and Sentinel's own reader take as the profile `prod` — is not recognised: init
 * (exit 0, "Adding [profile prod]") appends a second `[profile prod]`. The file now has a
 * section given twice, which the AWS CLI refuses (ConfigParseError) and Sentinel refuses
 * (exit 3): every profile in the file stops working, for every tool. `--force` does the same
 * instead of replacing the section in place.
 *
 * Expected (README "Commands": init exits "2 usage (existing profile without `--force`)";
 * "an existing profile is only replaced with --force"; "every bad input … changes no state"):
 * without --force, exit 2 and the file untouched; with --force, the existing section replaced,
 * leaving a file both the AWS CLI and Sentinel read.
 * At fault: src/core/init_config.ts:58 (sectionLines matches header text, not the parsed
 * section), used by src/app/init.ts:75 (hasProfile) and :90 (withProfile). Fix: find the section
 * with the same reader as src/core/aws_ini.ts (parsed header name), or refuse when the parsed
 * config already has the profile but its header cannot be located.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { runSentinel } from "../harness/sentinel.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const CONFIG = `[profile base]
region = us-east-1

[profile prod] # managed by the platform team
region = eu-west-1
`;

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

const INIT = [
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
];

Deno.test("attack: init without --force on `[profile prod] # comment` appends a duplicate section (exit 0) and breaks the whole file", async () => {
  await using h = await home();
  const run = await runSentinel(INIT, { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  assertEquals(
    { code: run.code, unchanged: after === CONFIG },
    { code: 2, unchanged: true },
    `${run.stderr}\n--- config after init ---\n${after}`,
  );
});

Deno.test("attack: init --force on `[profile prod] # comment` leaves a file neither the AWS CLI nor Sentinel can read", async () => {
  await using h = await home();
  const run = await runSentinel([...INIT, "--force"], { env: h.env });
  assertEquals(run.code, 0, run.stderr);
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  const cli = await aws(["configure", "get", "sentinel_role_arn", "--profile", "prod"], h.env);
  assertEquals(cli.code, 0, `AWS CLI: ${cli.stderr}\n--- config ---\n${after}`);
  assertEquals(cli.stdout.trim(), ROLE);
  const check = await runSentinel(["check", "prod", "--user", "alice", "--role-arn", ROLE], {
    env: h.env,
  });
  assertTrue(
    !check.stderr.includes("is given twice"),
    `Sentinel refuses the config init wrote: ${check.stderr}`,
  );
});

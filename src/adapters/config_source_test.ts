/**
 * Settings resolution over real files: the AWS config parsed by the adapter, the Sentinel config
 * validated, then the pure resolution of core/issuance/settings.ts.
 */
import { assertEquals, assertRejects, assertThrows } from "../../test/assert.ts";
import { environmentOf } from "../core/environment.ts";
import { SentinelError } from "../core/errors.ts";
import { issuanceSettings, type SettingFlags } from "../core/issuance/settings.ts";
import { loadConfig } from "./config_source.ts";

async function fixture(config: string, sentinelConfig = "") {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config`, config);
  await Deno.writeTextFile(`${dir}/sentinel.yaml`, sentinelConfig);
  const env: Record<string, string> = {
    HOME: dir,
    AWS_CONFIG_FILE: `${dir}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
    SENTINEL_CONFIG: `${dir}/sentinel.yaml`,
  };
  const { aws, sentinel } = await loadConfig(environmentOf(env).paths);
  const resolve = (profile: string, extra: Record<string, string> = {}, flags?: SettingFlags) =>
    issuanceSettings(profile, aws, sentinel, environmentOf({ ...env, ...extra }), flags);
  return { dir, env, resolve };
}

const CONFIG = `[default]
region = eu-west-1

[profile shared]
sentinel_source = aws-vault
sentinel_policy_ttl = 2m

[profile base]

[profile prod]
include_profile = shared
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ssm:/sentinel/policy

[profile staging-role]
role_arn = arn:aws:iam::123456789012:role/Staging
source_profile = base
external_id = ext-1
duration_seconds = 1800
region = us-west-2
sentinel_policy = ~/policy.yaml
`;

Deno.test("layout 1 with include_profile and the [default] region", async () => {
  const f = await fixture(CONFIG);
  const s = f.resolve("prod");
  assertEquals(
    [s.layout, s.roleArn, s.sourceProfile, s.source, s.policy, s.policyTtlSeconds, s.region],
    [
      "sentinel_keys",
      "arn:aws:iam::123456789012:role/SentinelProd",
      "base",
      "aws-vault",
      "ssm:/sentinel/policy",
      120,
      "eu-west-1",
    ],
  );
  assertEquals(s.logFile, `${f.dir}/.local/state/sentinel/decisions.jsonl`);
});

Deno.test("layout 2: an ordinary role profile with sentinel_policy", async () => {
  const f = await fixture(CONFIG);
  const s = f.resolve("staging-role");
  assertEquals(
    [s.layout, s.sourceProfile, s.externalId, s.durationSeconds, s.region, s.policy, s.source],
    ["role_profile", "base", "ext-1", 1800, "us-west-2", `${f.dir}/policy.yaml`, "auto"],
  );
});

Deno.test("precedence: flag > SENTINEL_* > profile key > config file > default", async () => {
  const f = await fixture(CONFIG, "policy: /from/config.yaml\nsource: env\nrefresh_window: 10m\n");
  const fromConfig = f.resolve("staging-role");
  assertEquals([fromConfig.source, fromConfig.refreshWindowSeconds], ["env", 600]);
  assertEquals(fromConfig.policy, `${f.dir}/policy.yaml`); // the profile key beats the config file
  const fromEnv = f.resolve("staging-role", { SENTINEL_POLICY: "ssm:/env" });
  assertEquals(fromEnv.policy, "ssm:/env");
  const fromFlag = f.resolve("staging-role", { SENTINEL_POLICY: "ssm:/env" }, {
    policy: "./flag.yaml",
  });
  assertEquals(fromFlag.policy, "./flag.yaml");
});

Deno.test("every bad setting is a clear error", async () => {
  const f = await fixture(
    CONFIG + `
[profile no-role]
sentinel_policy = x.yaml

[profile bad-arn]
sentinel_role_arn = arn:aws:iam::1:user/x
sentinel_source_profile = base
sentinel_policy = x.yaml

[profile no-policy]
sentinel_role_arn = arn:aws:iam::123456789012:role/R
sentinel_source_profile = base

[profile bad-source]
sentinel_role_arn = arn:aws:iam::123456789012:role/R
sentinel_source_profile = base
sentinel_policy = x.yaml
sentinel_source = keychain

[profile bad-duration]
role_arn = arn:aws:iam::123456789012:role/R
source_profile = base
sentinel_policy = x.yaml
duration_seconds = 60

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/R
source_profile = base
sentinel_policy = x.yaml
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile loop-a]
include_profile = loop-b

[profile loop-b]
include_profile = loop-a
`,
  );
  const cases: [string, string][] = [
    ["missing", 'profile "missing" is not in'],
    ["no-role", "names no role: add sentinel_role_arn"],
    ["bad-arn", "sentinel_role_arn in profile bad-arn is not a role ARN"],
    ["no-policy", "no policy for profile no-policy: add sentinel_policy"],
    ["bad-source", '"keychain" is not valid for source; expected one of auto, aws-vault, sdk, env'],
    ["bad-duration", "duration_seconds in profile bad-duration must be a whole number from 900"],
    ["mfa", "has mfa_serial"],
    ["loop-a", "include_profile loop"],
  ];
  for (const [profile, fragment] of cases) {
    assertThrows(
      () => f.resolve(profile),
      SentinelError,
      fragment,
    );
  }
});

Deno.test("an invalid Sentinel config file is reported with its line", async () => {
  await assertRejects(
    () => fixture(CONFIG, "policy: x\nsorce: env\n"),
    SentinelError,
    "invalid Sentinel config",
  );
  const error = await assertRejects(() => fixture(CONFIG, "sorce: env\n"), SentinelError);
  assertEquals(
    (error as SentinelError).details[0].endsWith(
      'sentinel.yaml:1:1: sorce: unknown key "sorce"; allowed here: policy, source, aws_vault_flags, region, log_file, policy_ttl, refresh_window, store, server, server_ca, revoker_profile, timeout, plugins',
    ),
    true,
  );
});

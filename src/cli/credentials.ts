/**
 * `sentinel credentials <profile>`: the `credential_process` entry point. Prints exactly the
 * credential_process JSON on stdout and nothing else; a denial prints nothing there and explains
 * itself on stderr. Sentinel v1's documented spelling works unchanged: `--profile`,
 * `--policy-parameter`, `--region`, `--no-session`, `--duration`, `--log-file`, `--log-stderr`.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { issueCredentials } from "../app/issuance/issue.ts";
import { formatCredentialProcess } from "../core/issuance/credential_process.ts";
import { displaySafeJson } from "../core/text/display.ts";
import { declare, ISSUANCE_EXITS } from "./_command.ts";
import {
  logFileOption,
  policyOf,
  policyOption,
  policyParameterOption,
  regionOption,
  serverOption,
  sessionDurationOption,
  sessionSeconds,
  v1ProfileOption,
} from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { profileArgument } from "./profile_argument.ts";

const ABOUT = `
In ~/.aws/config (layout 1, Sentinel's own keys):
  [profile prod]
  credential_process = sentinel credentials prod
  sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
  sentinel_source_profile = base
  sentinel_policy = ssm:/sentinel/policy

Sentinel v1's line works as it was (the profile still names its role with sentinel_role_arn and
sentinel_source_profile):
  credential_process = sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev`;

/** Builds `credentials`. */
export function credentialsCommand(ctx: CommandContext) {
  return declare(
    new Command("credentials")
      .description("Print credentials for a profile in credential_process format, if policy allows")
      .argument("[profile]", "the profile to issue credentials for")
      .addOption(v1ProfileOption())
      .addOption(policyOption())
      .addOption(policyParameterOption())
      .addOption(regionOption())
      .addOption(serverOption())
      .addOption(sessionDurationOption())
      .option("-n, --no-session", "pass --no-session to aws-vault (its long-term keys, no session)")
      .addOption(logFileOption())
      .option("--log-stderr", "also write each decision record to stderr as JSON (v1)")
      .option("--no-cache", "decide and issue afresh, even when a cached session could be reused"),
    {
      about: ABOUT,
      exits: ISSUANCE_EXITS,
      examples: [
        "sentinel credentials prod",
        "sentinel credentials --profile prod --policy ./policy.yaml",
        "sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev --log-stderr",
        "sentinel credentials prod --no-cache --debug",
        "sentinel credentials prod --server https://sentinel.example.com    # broker mode",
        "aws sts get-caller-identity --profile prod      # through credential_process",
      ],
    },
  ).action(ctx.action(async (positional, options) => {
    const result = await issueCredentials({
      profile: profileArgument("credentials", positional, options.profile),
      mode: "credential_process",
      policy: policyOf(options),
      region: options.region,
      server: options.server,
      durationSeconds: sessionSeconds(options.duration),
      logFile: options.logFile,
      awsVaultFlags: options.session === false ? ["--no-session"] : undefined,
      noCache: options.cache === false,
      echo: options.logStderr ? (record) => ctx.io.stderr(displaySafeJson(record)) : undefined,
    }, ctx.deps);
    ctx.io.stdout(formatCredentialProcess(result.credentials) + "\n");
  }));
}

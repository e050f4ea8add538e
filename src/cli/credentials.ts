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
import { SentinelError } from "../core/errors.ts";
import type { CommandContext } from "./context.ts";
import { durationFlag } from "./export.ts";
import { profileArgument } from "./profile_argument.ts";

/** Builds `credentials`. */
export function credentialsCommand(ctx: CommandContext) {
  return new Command("credentials")
    .description("Print credentials for a profile in credential_process format, if policy allows")
    .argument("[profile]", "the profile to issue credentials for")
    .option("--profile <profile>", "the profile (Sentinel v1 syntax)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .option(
      "--policy-parameter <name>",
      "the policy's SSM parameter (v1; same as --policy ssm:<name>)",
    )
    .option("--region <region>", "the AWS region for STS and an SSM policy")
    .option("-d, --duration <duration>", "session length, such as 30m or 1h (capped by policy)")
    .option("-n, --no-session", "pass --no-session to aws-vault (its long-term keys, no session)")
    .option("--log-file <file>", "write the decision log here instead of log_file")
    .option("--log-stderr", "also write each decision record to stderr as JSON (v1)")
    .option("--no-cache", "decide and issue afresh, even when a cached session could be reused")
    .addHelpText(
      "after",
      `
In ~/.aws/config (layout 1, Sentinel's own keys):
  [profile prod]
  credential_process = sentinel credentials prod
  sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
  sentinel_source_profile = base
  sentinel_policy = ssm:/sentinel/policy

Sentinel v1's line works as it was (the profile still names its role with sentinel_role_arn and
sentinel_source_profile):
  credential_process = sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev

Exit codes: 0 issued, 3 invalid config or policy, 4 denied, 5 approval required,
            6 AWS or credential-source failure, 7 a required log sink failed.

Examples:
  $ sentinel credentials prod
  $ sentinel credentials --profile prod --policy ./policy.yaml
  $ sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev --log-stderr
  $ sentinel credentials prod --no-cache --debug
  $ aws sts get-caller-identity --profile prod      # through credential_process`,
    )
    .action(ctx.action(async (positional, options) => {
      const profile = profileArgument("credentials", positional, options.profile);
      if (options.policy !== undefined && options.policyParameter !== undefined) {
        throw new SentinelError(
          "usage",
          "give either --policy or --policy-parameter, not both",
        );
      }
      const result = await issueCredentials({
        profile,
        mode: "credential_process",
        policy: options.policyParameter !== undefined
          ? `ssm:${options.policyParameter}`
          : options.policy,
        region: options.region,
        durationSeconds: durationFlag(options.duration),
        logFile: options.logFile,
        awsVaultFlags: options.session === false ? ["--no-session"] : undefined,
        noCache: options.cache === false,
        echo: options.logStderr ? (record) => ctx.io.stderr(displaySafeJson(record)) : undefined,
      }, ctx.deps);
      ctx.io.stdout(formatCredentialProcess(result.credentials) + "\n");
    }));
}

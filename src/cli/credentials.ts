/**
 * `sentinel credentials <profile>`: the `credential_process` entry point. Prints exactly the
 * credential_process JSON on stdout and nothing else; a denial prints nothing there and explains
 * itself on stderr.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { issueCredentials } from "../app/issue_credentials.ts";
import { formatCredentialProcess } from "../core/credential_process.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { CommandContext } from "./context.ts";

/** Builds `credentials`. */
export function credentialsCommand(ctx: CommandContext) {
  return new Command("credentials")
    .description("Print credentials for a profile in credential_process format, if policy allows")
    .argument("[profile]", "the profile to issue credentials for")
    .option("--profile <profile>", "the profile (Sentinel v1 syntax)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .addHelpText(
      "after",
      `
In ~/.aws/config (layout 1, Sentinel's own keys):
  [profile prod]
  credential_process = sentinel credentials prod
  sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
  sentinel_source_profile = base
  sentinel_policy = ssm:/sentinel/policy

Exit codes: 0 issued, 3 invalid config or policy, 4 denied, 5 approval required,
            6 AWS or credential-source failure.

Examples:
  $ sentinel credentials prod
  $ sentinel credentials --profile prod --policy ./policy.yaml
  $ aws sts get-caller-identity --profile prod      # through credential_process`,
    )
    .action(ctx.action(async (positional, options) => {
      const profile = positional ?? options.profile;
      if (profile === undefined) {
        throw new SentinelError(ExitCode.Usage, "name the profile: sentinel credentials <profile>");
      }
      const result = await issueCredentials({
        profile,
        mode: "credential_process",
        policy: options.policy,
      }, ctx.deps);
      ctx.io.stdout(formatCredentialProcess(result.credentials) + "\n");
    }));
}

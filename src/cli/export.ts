/**
 * `sentinel export <profile> [--format env|json|ini]`: the policy-gated session printed for tools
 * that cannot run `credential_process` or `exec` — shell variables to `eval`, the
 * credential_process JSON, or a credentials-file section. The same issuance as `credentials`
 * (decided, stamped, logged, cached); the secrets go to stdout only.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { issueCredentials } from "../app/issuance/issue.ts";
import {
  checkSectionName,
  EXPORT_FORMATS,
  type ExportFormat,
  exportText,
} from "../core/issuance/credential_formats.ts";
import { parseDuration } from "../core/text/duration.ts";
import { SentinelError } from "../core/errors.ts";
import { isStsDuration } from "../core/limits.ts";
import type { CommandContext } from "./context.ts";
import { policyOption } from "./exec.ts";
import { profileArgument } from "./profile_argument.ts";

/** `--duration` as seconds (15m to 12h), or undefined. */
export function durationFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || !isStsDuration(seconds)) {
    throw new SentinelError(
      "usage",
      `--duration "${text}" must be a duration from 15m to 12h, such as 30m or 1h`,
    );
  }
  return seconds;
}

/** Builds `export`. */
export function exportCommand(ctx: CommandContext) {
  return new Command("export")
    .description("Print policy-approved credentials for a profile as shell variables, JSON or ini")
    .argument("[profile]", "the profile to issue credentials for (or --profile)")
    .option("--profile <profile>", "the profile (Sentinel v1 syntax)")
    .addOption(
      new Option("-f, --format <format>", "env (default; json with --output json), json or ini")
        .choices(EXPORT_FORMATS),
    )
    .option("--section <name>", "the section name for --format ini (default: the profile)")
    .option("-d, --duration <duration>", "session length, such as 30m or 1h (capped by policy)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .option("--policy-parameter <name>", "policy from SSM Parameter Store (= --policy ssm:<name>)")
    .addHelpText(
      "after",
      `
The session is decided, stamped and logged exactly as for credentials; only stdout gets the
secrets. Prefer credential_process or exec where a tool supports them: exported credentials
outlive any later change of the policy until they expire.

Formats:
  env   export AWS_ACCESS_KEY_ID='…' lines (and the token, expiry and region), quoted for sh
  json  the credential_process document: {"Version":1,"AccessKeyId",…,"Expiration"}
  ini   a [section] for an AWS credentials file

Exit codes: 0 issued, 2 usage, 3 invalid config or policy, 4 denied, 5 approval required,
            6 AWS or credential-source failure.

Examples:
  $ eval "$(sentinel export prod)"
  $ sentinel export prod --format json --duration 30m
  $ sentinel export prod --format ini --section prod-session >> ~/.aws/credentials.sentinel
  $ sentinel export --profile dev --policy-parameter /sentinel/policies/dev --format env`,
    )
    .action(ctx.action(async (positional, options) => {
      const profile = profileArgument("export", positional, options.profile);
      const format: ExportFormat = options.format ?? (ctx.output() === "json" ? "json" : "env");
      // Checked before issuing: a session nobody can write down is not issued.
      const section = format === "ini" ? checkSectionName(options.section ?? profile) : profile;
      const result = await issueCredentials({
        profile,
        mode: "cli",
        policy: policyOption(options),
        durationSeconds: durationFlag(options.duration),
      }, ctx.deps);
      ctx.io.stdout(
        exportText(format, result.credentials, result.region, section),
      );
    }));
}

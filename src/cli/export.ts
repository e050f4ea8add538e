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
import { ExitCode } from "../core/errors.ts";
import { declare } from "./_command.ts";
import {
  policyOf,
  policyOption,
  policyParameterOption,
  serverOption,
  sessionDurationOption,
  sessionSeconds,
  v1ProfileOption,
} from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { profileArgument } from "./profile_argument.ts";

const ABOUT = `
The session is decided, stamped and logged exactly as for credentials; only stdout gets the
secrets. Prefer credential_process or exec where a tool supports them: exported credentials
outlive any later change of the policy until they expire.

Formats:
  env   export AWS_ACCESS_KEY_ID='…' lines (and the token, expiry and region), quoted for sh
  json  the credential_process document: {"Version":1,"AccessKeyId",…,"Expiration"}
  ini   a [section] for an AWS credentials file`;

/** Builds `export`. */
export function exportCommand(ctx: CommandContext) {
  return declare(
    new Command("export")
      .description(
        "Print policy-approved credentials for a profile as shell variables, JSON or ini",
      )
      .argument("[profile]", "the profile to issue credentials for (or --profile)")
      .addOption(v1ProfileOption())
      .addOption(
        new Option("-f, --format <format>", "env (default; json with --output json), json or ini")
          .choices(EXPORT_FORMATS),
      )
      .option("--section <name>", "the section name for --format ini (default: the profile)")
      .addOption(sessionDurationOption())
      .addOption(policyOption())
      .addOption(policyParameterOption())
      .addOption(serverOption()),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "issued"],
        ExitCode.Usage,
        [ExitCode.InvalidConfig, "invalid config or policy"],
        [ExitCode.Denied, "denied"],
        [ExitCode.ApprovalRequired, "approval required"],
        ExitCode.AwsFailure,
      ],
      examples: [
        'eval "$(sentinel export prod)"',
        "sentinel export prod --format json --duration 30m",
        "sentinel export prod --format ini --section prod-session >> ~/.aws/credentials.sentinel",
        "sentinel export --profile dev --policy-parameter /sentinel/policies/dev --format env",
      ],
    },
  ).action(ctx.action(async (positional, options) => {
    const profile = profileArgument("export", positional, options.profile);
    const format: ExportFormat = options.format ?? (ctx.output() === "json" ? "json" : "env");
    // Checked before issuing: a session nobody can write down is not issued.
    const section = format === "ini" ? checkSectionName(options.section ?? profile) : profile;
    const result = await issueCredentials({
      profile,
      mode: "cli",
      policy: policyOf(options),
      server: options.server,
      durationSeconds: sessionSeconds(options.duration),
    }, ctx.deps);
    ctx.io.stdout(exportText(format, result.credentials, result.region, section));
  }));
}

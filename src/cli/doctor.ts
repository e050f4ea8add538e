/**
 * `sentinel doctor [profile]`: checks the whole setup — Sentinel on PATH and the one each
 * credential_process calls, the config layout, the credential source, the identity, the region,
 * the policy and the person's decision now, the store, the decision log, log-sink folders, plugin
 * pins and the clock against STS — each ✓ or ✗ with the fix.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { runDoctor } from "../app/doctor.ts";
import { ExitCode } from "../core/errors.ts";
import { declare } from "./_command.ts";
import type { CommandContext } from "./context.ts";
import { doctorText } from "./render.ts";

/** Builds `doctor`. */
export function doctorCommand(ctx: CommandContext) {
  return declare(
    new Command("doctor")
      .description("Check the setup end to end; every failed check says how to fix it")
      .argument("[profile]", "only this Sentinel profile (a front profile is followed)"),
    {
      about: `
Without a profile, every profile set up for Sentinel is checked (those a credential_process
names, and those with sentinel_role_arn or sentinel_policy). Nothing is changed; AWS is asked
only what issuance would ask (the base identity, the policy), plus the time, from STS.`,
      exits: [
        [ExitCode.Ok, "every check passed"],
        [ExitCode.ChecksFailed, "a check failed (each ✗ has a fix)"],
        [ExitCode.InvalidConfig, "the config files cannot be read"],
      ],
      examples: [
        "sentinel doctor",
        "sentinel doctor prod",
        "sentinel doctor --output json | jq '.checks[] | select(.ok == false)'",
      ],
    },
  ).action(ctx.action(async (profile) => {
    const report = await runDoctor(ctx.deps, { profile });
    return {
      json: {
        ok: report.ok,
        profiles: report.profiles,
        checks: report.checks.map((check) => ({
          profile: check.profile ?? null,
          check: check.check,
          ok: check.ok,
          detail: check.detail,
          fix: check.fix ?? null,
        })),
      },
      text: () => doctorText(report, ctx.style),
      asIs: true,
      exitCode: report.ok ? ExitCode.Ok : ExitCode.ChecksFailed,
    };
  }));
}

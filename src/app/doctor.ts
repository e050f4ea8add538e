/**
 * `sentinel doctor` as a use case: every part of a Sentinel setup checked in the order a failure
 * would show up, each check passing or failing with the fix. Machine-wide checks first (Sentinel
 * on PATH and the one each credential_process line calls, the decision log, log-sink folders,
 * plugin pins, the clock against STS), then, for each Sentinel profile, the checks of
 * doctor_profile.ts. Nothing here changes anything.
 *
 * @module
 */
import { verifyChain } from "../core/audit/chain.ts";
import type { AwsConfigFiles } from "../core/aws_config/profile.ts";
import { constantDefault } from "../core/settings.ts";
import { sentinelInvocation } from "../core/aws_config/front_profile.ts";
import { sha256Hex } from "../core/text/hash.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { Deps } from "../ports/deps.ts";
import type { SystemProbe } from "../ports/system.ts";
import { configuredLogFile } from "./audit.ts";
import { type DoctorCheck, type FrontProfile, profileChecks } from "./doctor_profile.ts";

export type { DoctorCheck, FrontProfile };

/** The whole report. */
export interface DoctorReport {
  /** The Sentinel profiles checked. */
  profiles: string[];
  checks: DoctorCheck[];
  ok: boolean;
}

/** Clock skew past which STS may refuse requests or hand out sessions that look expired. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Every profile whose credential_process runs Sentinel. */
export function frontProfiles(files: AwsConfigFiles): FrontProfile[] {
  const fronts: FrontProfile[] = [];
  for (const [name, section] of files.profiles) {
    const call = sentinelInvocation(section.credential_process);
    if (call !== undefined) {
      fronts.push({
        name,
        target: call.profile,
        program: call.program,
        policy: call.policy,
        extra: call.extra,
      });
    }
  }
  return fronts;
}

/** Runs every check; `profile` limits the profile checks to one (a front profile is followed). */
export async function runDoctor(deps: Deps, request: { profile?: string }): Promise<DoctorReport> {
  const config = await deps.config.load();
  const system = await deps.system();
  const fronts = frontProfiles(config.aws);
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => {
    checks.push(check);
    deps.debug(`doctor: ${check.ok ? "ok" : "FAILED"} ${check.check}: ${check.detail}`);
  };

  const targets = targetProfiles(config.aws, fronts, request.profile);
  add(onPathCheck(system));
  for (const check of credentialProcessChecks(system, fronts, targets)) add(check);
  add(await logCheck(deps, system));
  for (const check of sinkChecks(system, config.sentinel.plugins)) add(check);
  for (const check of await pinChecks(deps, config.sentinel.plugins)) add(check);
  if (targets.length === 0) {
    add({
      check: "Sentinel profiles",
      ok: false,
      detail: `no profile in ${config.aws.configPath} is set up for Sentinel`,
      fix:
        "run `sentinel init` (it writes one and a starter policy), or see the two layouts in docs/configuration.md",
    });
  }
  let region: string | undefined;
  const perProfile: DoctorCheck[] = [];
  for (const target of targets) {
    const result = await profileChecks(deps, system, {
      profile: target,
      fronts: fronts.filter((front) => front.target === target),
      policy: fronts.find((front) => front.target === target && front.policy)?.policy,
    });
    region ??= result.region;
    perProfile.push(...result.checks.map((check) => ({ profile: target, ...check })));
  }
  add(await clockCheck(deps, system, region ?? constantDefault("region")));
  for (const check of perProfile) add(check);
  return { profiles: targets, checks, ok: checks.every((check) => check.ok) };
}

/** The Sentinel profiles to check: the one asked for (following a front), else every one. */
function targetProfiles(
  files: AwsConfigFiles,
  fronts: readonly FrontProfile[],
  asked: string | undefined,
): string[] {
  if (asked !== undefined) {
    const front = fronts.find((f) => f.name === asked && f.target !== asked);
    return [front?.target ?? asked];
  }
  const found = new Set(fronts.map((front) => front.target));
  for (const [name, section] of files.profiles) {
    if (section.sentinel_role_arn !== undefined || section.sentinel_policy !== undefined) {
      found.add(name);
    }
  }
  return [...found].sort();
}

function onPathCheck(system: SystemProbe): DoctorCheck {
  const found = system.which("sentinel");
  return found !== undefined ? { check: "sentinel on PATH", ok: true, detail: found } : {
    check: "sentinel on PATH",
    ok: false,
    detail: "no `sentinel` on PATH: credential_process = sentinel … cannot start it",
    fix: "run scripts/install.sh from the Sentinel checkout (it installs to ~/.local/bin and " +
      "says how to put that on PATH)",
  };
}

/** Each credential_process that runs Sentinel must find the program it names. */
function credentialProcessChecks(
  system: SystemProbe,
  fronts: readonly FrontProfile[],
  targets: readonly string[],
): DoctorCheck[] {
  const relevant = fronts.filter((front) => targets.includes(front.target));
  if (relevant.length === 0 && targets.length > 0) {
    return [{
      check: "credential_process",
      ok: false,
      detail: `no profile's credential_process runs \`sentinel credentials\` for ${
        targets.join(", ")
      }: the AWS CLI and SDKs never ask Sentinel`,
      fix: `add credential_process = sentinel credentials ${
        targets[0]
      } to the profile your tools use (layout 1: the Sentinel profile itself), or run \`sentinel init\``,
    }];
  }
  return relevant.map((front) => {
    const resolved = front.program.includes("/")
      ? (system.isExecutable(front.program) ? front.program : undefined)
      : system.which(front.program);
    const check = `credential_process of [profile ${front.name}]`;
    if (front.extra.length > 0) {
      return {
        check,
        ok: false,
        detail: `passes ${
          front.extra.join(" ")
        } to Sentinel after the profile: the AWS CLI reads no comment after a value, so every call fails with "too many arguments"`,
        fix:
          `end the line at the profile name (${front.target}); put a comment on a line of its own`,
      };
    }
    return resolved !== undefined
      ? { check, ok: true, detail: `runs ${front.program} (${resolved}) for ${front.target}` }
      : {
        check,
        ok: false,
        detail: `runs ${front.program}, which ${
          front.program.includes("/") ? "is not an executable file" : "is not on PATH"
        }`,
        fix: front.program.includes("/")
          ? `fix the path in credential_process, or write plain \`sentinel\` there and install it with scripts/install.sh`
          : "install Sentinel with scripts/install.sh and put its folder (~/.local/bin) on PATH",
      };
  });
}

async function logCheck(deps: Deps, system: SystemProbe): Promise<DoctorCheck> {
  const check = "decision log";
  const file = await configuredLogFile(deps);
  const kind = system.pathKind(file);
  const folder = file.slice(0, file.lastIndexOf("/")) || "/";
  if (kind === "missing") {
    const existing = nearestExisting(system, folder);
    return existing !== undefined && system.canCreateIn(existing)
      ? { check, ok: true, detail: `${file} (created with the first decision)` }
      : {
        check,
        ok: false,
        detail: `${file} cannot be created: ${existing ?? folder} is not writable`,
        fix:
          `fix the folder's permissions, or point log_file (SENTINEL_LOG_FILE) at a folder you own`,
      };
  }
  if (kind !== "file") {
    return {
      check,
      ok: false,
      detail: `${file} is not a regular file`,
      fix: "move it aside, or point log_file (SENTINEL_LOG_FILE) elsewhere",
    };
  }
  if (!system.canCreateIn(folder)) {
    return {
      check,
      ok: false,
      detail: `${file}: its folder ${folder} is not writable`,
      fix: `chmod u+w ${folder}, or point log_file (SENTINEL_LOG_FILE) elsewhere`,
    };
  }
  let chain;
  try {
    chain = await verifyChain(await deps.files.readText(file, "decision log"));
  } catch (error) {
    return {
      check,
      ok: false,
      detail: (error as Error).message,
      fix: `make ${file} readable by you, or point log_file elsewhere`,
    };
  }
  return chain.ok
    ? { check, ok: true, detail: `${file}: writable, chain intact (${chain.lines} lines)` }
    : {
      check,
      ok: false,
      detail: `${file}: the chain is broken at line ${chain.line} (it ${chain.problem})`,
      fix: "keep the file as evidence and find out who changed it (`sentinel audit verify`); " +
        "then move it aside so Sentinel starts a new log",
    };
}

function nearestExisting(system: SystemProbe, folder: string): string | undefined {
  let dir = folder;
  for (;;) {
    const kind = system.pathKind(dir);
    if (kind === "directory") return dir;
    if (kind !== "missing" || dir === "/" || dir === "") return undefined;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

/** A file log sink's folder must exist and take files: a required one blocks every issuance. */
function sinkChecks(system: SystemProbe, plugins: readonly PluginEntry[]): DoctorCheck[] {
  return plugins.flatMap((plugin): DoctorCheck[] => {
    const path = plugin.settings.path;
    if (
      plugin.origin.type !== "bundled" || plugin.origin.plugin !== "file_sink" ||
      typeof path !== "string"
    ) return [];
    const folder = path.slice(0, path.lastIndexOf("/")) || "/";
    const check = `log sink ${plugin.name}`;
    const blocks = plugin.required ? "; it is required, so every issuance is refused" : "";
    if (system.pathKind(folder) !== "directory") {
      return [{
        check,
        ok: false,
        detail: `the folder ${folder} of ${path} does not exist${blocks}`,
        fix: `mkdir -p ${folder} (as a user who may), or change settings.path of ${plugin.name}`,
      }];
    }
    return system.canCreateIn(folder)
      ? [{ check, ok: true, detail: `${folder} exists and takes files` }]
      : [{
        check,
        ok: false,
        detail: `the folder ${folder} of ${path} is not writable${blocks}`,
        fix: `give yourself write access to ${folder}, or change settings.path of ${plugin.name}`,
      }];
  });
}

/** External plugins must still match the SHA-256 they are pinned to. */
async function pinChecks(deps: Deps, plugins: readonly PluginEntry[]): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const plugin of plugins) {
    if (plugin.origin.type !== "module") continue;
    const { path, sha256 } = plugin.origin;
    const check = `plugin pin ${plugin.name}`;
    const text = await deps.files.readOptional(path).catch(() => undefined);
    if (text === undefined) {
      checks.push({
        check,
        ok: false,
        detail: `${path} cannot be read`,
        fix: `restore ${path}, or remove ${plugin.name} from plugins:`,
      });
      continue;
    }
    const actual = await sha256Hex(text);
    checks.push(
      actual === sha256 ? { check, ok: true, detail: `${path} matches its sha256` } : {
        check,
        ok: false,
        detail: `${path} has sha256 ${actual}, the config pins ${sha256}`,
        fix: "review the new file; only then put its sha256 in the config",
      },
    );
  }
  return checks;
}

async function clockCheck(deps: Deps, system: SystemProbe, region: string): Promise<DoctorCheck> {
  const check = "clock";
  try {
    const before = deps.clock.now();
    const server = await system.awsServerTime(region, AbortSignal.timeout(10_000));
    const now = (before + deps.clock.now()) / 2;
    const skew = Math.round((now - server) / 1000);
    const detail = `${Math.abs(skew)} s ${skew >= 0 ? "ahead of" : "behind"} STS (${region})`;
    return Math.abs(now - server) <= MAX_CLOCK_SKEW_MS ? { check, ok: true, detail } : {
      check,
      ok: false,
      detail,
      fix: "set the clock (enable NTP: `timedatectl set-ntp true`, or your OS's time settings)",
    };
  } catch (error) {
    return {
      check,
      ok: false,
      detail: `cannot compare with STS: ${(error as Error).message}`,
      fix: "check the network and the region",
    };
  }
}

/**
 * Policies, for issuance and for the policy tools alike: load one from a file or SSM (validated;
 * for issuance, an SSM policy is cached for the policy TTL), and pull, push or diff the one in SSM.
 * Any load or validation error is thrown, so issuance fails closed.
 *
 * @module
 */
import { knownProfiles } from "../core/aws_config/profile.ts";
import { DOCTOR_HINT, ExitCode, SentinelError } from "../core/errors.ts";
import { sentinelInvocation } from "../core/aws_config/front_profile.ts";
import { sha256Hex } from "../core/text/hash.ts";
import type { LoadedPolicy } from "../core/policy/load.ts";
import { policySourceOf } from "../core/policy/source.ts";
import { withinTtl } from "../core/issuance/freshness.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { PolicyEntry } from "../ports/cache.ts";
import type { Deps } from "../ports/deps.ts";
import { callerSettings } from "./caller.ts";

/** How to load one policy. */
export interface PolicyRequest {
  /** A file path or `ssm:<parameter>`. */
  source: string;
  /** Where the source setting came from (`SENTINEL_POLICY`, …), named when the file is missing. */
  sourceFrom?: string;
  region: string;
  /** The credentials SSM is asked with, fetched only when SSM must be asked. */
  credentials: () => Promise<AwsCredentials>;
  signal: AbortSignal;
  /**
   * Issuance: reuse an SSM policy fetched within this many seconds, and cache what is loaded for
   * the warm path. Absent (the policy tools): always read afresh, cache nothing.
   */
  ttlSeconds?: number;
}

/**
 * Loads and validates the policy. For issuance (a TTL given) an SSM policy fetched within the TTL
 * is reused, and a policy whose text hashes like the validated one in the cache (a file read
 * again, an SSM parameter fetched again) is not parsed or validated again: only its stamp is
 * renewed. What is loaded is cached.
 */
export async function loadPolicy(deps: Deps, request: PolicyRequest): Promise<PolicyEntry> {
  const source = policySourceOf(request.source);
  const now = deps.clock.now();
  const cached = request.ttlSeconds === undefined
    ? undefined
    : await deps.cache.readPolicy(request.source);
  if (
    source.kind === "ssm" && cached !== undefined &&
    withinTtl(cached.fetchedAt, request.ttlSeconds!, now)
  ) return cached;
  if (source.kind === "file" && source.path !== "-" && cached !== undefined) {
    // The file's hash from its bytes: no decoding when it is the cached policy.
    // A file policy's stamp is never read (the warm path hashes the file itself): nothing to renew.
    const hash = await deps.files.textHash(source.path).catch(() => undefined);
    if (hash === cached.hash) return cached;
  }
  const text = source.kind === "file"
    ? await readPolicyFile(deps, source.path, request.ttlSeconds !== undefined, request.sourceFrom)
    : await fetchParameter(deps, request, source.parameter);
  const hash = await sha256Hex(text);
  if (cached !== undefined && cached.hash === hash) return await restamped(deps, cached, now);
  const loaded = await validated(
    text,
    source.kind === "file" ? displayName(source.path) : request.source,
  );
  const entry: PolicyEntry = {
    source: request.source,
    hash,
    fetchedAt: now,
    document: loaded.document,
  };
  // Cached for later issuance; the warm path reads only the stamp (and a file policy's hash).
  if (request.ttlSeconds !== undefined) await deps.cache.writePolicy(entry);
  return entry;
}

/** The cached policy, found unchanged at `now`: its stamp is renewed. */
async function restamped(deps: Deps, cached: PolicyEntry, now: number): Promise<PolicyEntry> {
  const entry: PolicyEntry = { ...cached, fetchedAt: now };
  await deps.cache.writePolicyStamp(entry);
  return entry;
}

/**
 * Parses and validates policy text. The YAML parser and the schema (npm's `yaml` and `zod`) are
 * loaded here, on first use: issuance with an unchanged policy never needs them.
 */
export async function validated(text: string, source: string): Promise<LoadedPolicy> {
  const loader = "../core/policy/load.ts";
  const { validatePolicyText } = await import(loader) as typeof import("../core/policy/load.ts");
  return validatePolicyText(text, source);
}

/**
 * Reads a policy file; an unreadable one names the setting the path came from (so that
 * `SENTINEL_POLICY=~/nope.yaml` is not blamed on the profile), and for issuance ends with the
 * doctor hint (a setup cause).
 */
async function readPolicyFile(
  deps: Deps,
  path: string,
  issuance: boolean,
  from?: string,
): Promise<string> {
  try {
    return await deps.files.readText(path, "policy file");
  } catch (error) {
    if (!(error instanceof SentinelError) || (!issuance && from === undefined)) throw error;
    const origin = from === undefined
      ? ", or sentinel_policy"
      : `; the path comes from ${from}${
        from === "SENTINEL_POLICY" || from === "--policy"
          ? ", which takes precedence over sentinel_policy in the profile and the config file"
          : ""
      }`;
    throw new SentinelError(
      error.code,
      `${error.message}${origin}${issuance ? `; ${DOCTOR_HINT}` : ""}`,
      {
        cause: error,
        details: error.details,
      },
    );
  }
}

async function fetchParameter(deps: Deps, request: PolicyRequest, parameter: string) {
  const { ssm } = await deps.aws();
  const credentials = await request.credentials();
  const { value } = await ssm.getParameter(
    credentials,
    { region: request.region, signal: request.signal },
    parameter,
  );
  return value;
}

/** How a file argument is named in messages: `-` is standard input. */
export function displayName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

/** Where a policy lives in SSM, and how to reach it. */
export interface SsmLocation {
  parameter: string;
  region: string;
  credentials: AwsCredentials;
  signal: AbortSignal;
}

/** Reads the policy text stored in SSM. */
export async function pullPolicy(deps: Deps, at: SsmLocation): Promise<string> {
  const { ssm } = await deps.aws();
  return (await ssm.getParameter(at.credentials, at, at.parameter)).value;
}

/**
 * Validates, then stores the policy text in SSM; returns the new version. The local cache of the
 * policy it supersedes is dropped, so the next issuance on this machine uses the new one at once.
 */
export async function pushPolicy(
  deps: Deps,
  at: SsmLocation,
  text: string,
  sourceName: string,
  secure: boolean,
): Promise<number> {
  await validated(text, sourceName);
  const { ssm } = await deps.aws();
  const version = await ssm.putParameter(at.credentials, at, at.parameter, text, secure);
  await deps.cache.removePolicy(`ssm:${at.parameter}`);
  return version;
}

/** The caller's access to SSM, for the policy tools (`--aws-profile`, `--region`). */
export interface CallerAccess {
  profile?: string;
  region?: string;
}

/**
 * Reads and validates a policy for the policy tools, from a file or `ssm:<parameter>` (with the
 * caller's own credentials), keeping the text and positions for line-numbered messages.
 */
export async function readPolicy(
  deps: Deps,
  source: string,
  access: CallerAccess = {},
): Promise<LoadedPolicy> {
  const parsed = policySourceOf(source);
  if (parsed.kind === "file") {
    return await validated(
      await deps.files.readText(parsed.path, "policy file"),
      displayName(parsed.path),
    );
  }
  const at = await ssmLocation(deps, parsed.parameter, access);
  return await validated(await pullPolicy(deps, at), source);
}

/**
 * The text of a policy, unvalidated, from a file (`-`: standard input) or `ssm:<parameter>` (as an
 * administrator's `action` reads it), and how messages name it: the file, or the parameter and
 * its region.
 */
export async function readPolicyText(
  deps: Deps,
  source: string,
  access: CallerAccess,
  action: string,
): Promise<{ text: string; name: string }> {
  const parsed = policySourceOf(source);
  if (parsed.kind === "file") {
    return {
      text: await deps.files.readText(parsed.path, "policy file"),
      name: displayName(parsed.path),
    };
  }
  const at = await adminSsmLocation(deps, parsed.parameter, access, action);
  return { text: await pullPolicy(deps, at), name: `${source} (${at.region})` };
}

/** Where `ssm:<parameter>` is, reached with the caller's own credentials and region. */
export async function ssmLocation(
  deps: Deps,
  parameter: string,
  access: CallerAccess,
): Promise<SsmLocation & { regionFrom: string }> {
  const caller = await callerSettings(deps, access);
  const signal = AbortSignal.timeout(caller.timeoutSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(caller.base, signal);
  return {
    parameter,
    region: caller.region,
    regionFrom: caller.regionFrom,
    credentials: base.credentials,
    signal,
  };
}

/**
 * {@link ssmLocation} for an administrator's action on the policy (`policy pull|push|diff`): when
 * nothing names the credentials, the error suggests the profiles that hold keys of their own —
 * the source profiles of Sentinel's profiles first — never a Sentinel profile, which lends only
 * its user's base credentials.
 */
export async function adminSsmLocation(
  deps: Deps,
  parameter: string,
  access: CallerAccess,
  action: string,
): Promise<SsmLocation & { regionFrom: string }> {
  try {
    return await ssmLocation(deps, parameter, access);
  } catch (error) {
    if (
      access.profile !== undefined || !(error instanceof SentinelError) ||
      error.exitCode !== ExitCode.Usage || !error.message.startsWith("no AWS credentials")
    ) throw error;
    const { aws } = await deps.config.load();
    const sentinel = (name: string) => {
      const own = aws.profiles.get(name) ?? {};
      return own.sentinel_role_arn !== undefined || own.sentinel_policy !== undefined ||
        sentinelInvocation(own.credential_process) !== undefined;
    };
    const sources = knownProfiles(aws).filter(sentinel).map((name) =>
      aws.profiles.get(name)?.sentinel_source_profile ?? aws.profiles.get(name)?.source_profile
    ).filter((name): name is string => name !== undefined && !sentinel(name));
    const candidates = [
      ...new Set([...sources, ...knownProfiles(aws).filter((name) => !sentinel(name))]),
    ];
    throw new SentinelError(
      "usage",
      `${action} needs the credentials of someone allowed to ${
        action === "policy push" ? "change" : "read"
      } SSM parameter ${parameter}, and nothing names them: no --aws-profile, no AWS_PROFILE, no [default] profile and no AWS_ACCESS_KEY_ID; pass --aws-profile <your admin profile>${
        candidates.length > 0
          ? ` (profiles with credentials of their own in ${aws.configPath}: ${
            candidates.join(", ")
          }; for example --aws-profile ${candidates[0]})`
          : ""
      }, or set AWS_PROFILE. A Sentinel profile lends only its user's base credentials`,
      { cause: error },
    );
  }
}

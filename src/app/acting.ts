/**
 * What a person acting on shared state (an approver, a reviewer, a requester cancelling) works
 * with: their verified identity, the store their settings name, the decision log and plugins of
 * their configuration, and the policy that says what they may do.
 *
 * @module
 */
import { effectiveProfile } from "../core/aws_config/profile.ts";
import { SentinelError } from "../core/errors.ts";
import {
  logFileFrom,
  policyOf,
  serverCaFrom,
  settingSources,
  storeFrom,
} from "../core/issuance/settings.ts";
import { resolveOnly } from "../core/settings.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import { isFileStore } from "../core/store/kinds.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { Deps } from "../ports/deps.ts";
import type { Stores } from "../ports/stores.ts";
import { type ActingCaller, actingCaller } from "./caller.ts";
import { loadPolicy } from "./policy.ts";
import { openStore } from "./stores.ts";

/** `--aws-profile`, `--region`, `--store`, `--server`: how the caller reaches AWS and the store. */
export interface CallerFlags {
  profile?: string;
  region?: string;
  store?: string;
  server?: string;
  /**
   * A context already established: a broker's, for the caller its proof named (its store, log,
   * plugins and AWS access; the caller's identity). No flag or setting of the host then applies.
   */
  acting?: ActingContext;
}

/** The store, policy and plugins a caller acts with. */
export interface ActingContext {
  caller: ActingCaller;
  stores: Stores;
  /** Which store that is, and where the setting came from (answers name it). */
  store: StoreSetting;
  logFile: string;
  plugins: PluginEntry[];
}

/**
 * Resolves and verifies the caller, and opens the store their settings name. Acting on what is
 * stored never creates a store; a command that makes records of its own (`revoke`) passes
 * `creates`, as a request or an invocation does.
 */
export async function actingContext(
  deps: Deps,
  flags: CallerFlags,
  options: { creates?: boolean } = {},
): Promise<ActingContext> {
  if (flags.acting !== undefined) return flags.acting;
  const caller = await actingCaller(deps, flags);
  const stores = await openStore(deps, caller.settings.store, {
    region: caller.settings.region,
    signal: caller.signal,
    credentials: () => Promise.resolve(caller.credentials),
  }, { existing: options.creates !== true });
  const config = await deps.config.load();
  return {
    caller,
    stores,
    store: caller.settings.store,
    logFile: caller.settings.logFile,
    plugins: config.sentinel.plugins,
  };
}

/** The store and destinations of a command that reads the store, and the caller when verified. */
export interface ReadingContext {
  stores: Stores;
  /** Which store that is, and where the setting came from (answers name it). */
  store: StoreSetting;
  logFile: string;
  plugins: PluginEntry[];
  /** Present when the caller had to be verified (see {@link readingContext}). */
  caller?: ActingCaller;
}

/**
 * For commands that read the store (and expire what is due): a SQLite store is a local file
 * guarded by its permissions, so reading it asks nothing of AWS — `sentinel requests` works on an
 * air-gapped machine. The caller is verified with STS only when `identify` is set (their own
 * requests) or the store is DynamoDB, which needs their credentials anyway.
 */
export async function readingContext(
  deps: Deps,
  flags: CallerFlags,
  identify: boolean,
): Promise<ReadingContext> {
  if (identify || flags.acting !== undefined) return await actingContext(deps, flags);
  const { store, logFile, config } = await storeWithoutCaller(deps, flags);
  if (!isFileStore(store)) return await actingContext(deps, flags);
  return {
    stores: await deps.stores(store, { existing: true }), // a read never creates a store
    store,
    logFile,
    plugins: config.sentinel.plugins,
  };
}

/** The store the caller's settings name, resolved without verifying who they are. */
export async function storeWithoutCaller(deps: Deps, flags: CallerFlags) {
  const config = await deps.config.load();
  const named = flags.profile ?? deps.env.get("AWS_PROFILE");
  const profile = named ?? (config.aws.profiles.has("default") ? "default" : undefined);
  const section = profile === undefined ? undefined : effectiveProfile(config.aws, profile);
  const resolved = resolveOnly(
    ["store", "log_file", "server", "server_ca"],
    settingSources(
      deps.env,
      config.sentinel,
      section === undefined ? undefined : { name: profile!, section },
      { store: flags.store, region: flags.region, server: flags.server },
    ),
    deps.env.paths,
  );
  return {
    store: storeFrom(resolved, deps.env),
    logFile: logFileFrom(resolved, deps.env),
    /** The broker that holds the store instead, when the caller's settings name one. */
    server: resolved.server,
    serverCa: serverCaFrom(resolved, deps.env),
    profile,
    config,
  };
}

/**
 * For a command that acts on a record as its owner (cancelling one's request, closing one's
 * break-glass event): when the caller named no identity (no `--aws-profile`, no `AWS_PROFILE`, no
 * keys in the environment), the record's own profile lends its base credentials — the ones the
 * request or invocation was made with — if the caller's AWS config has it. Only a SQLite store can
 * be read before the caller is known; for DynamoDB the caller names themselves (the advice
 * Sentinel prints carries `--aws-profile`).
 */
export async function asRecordOwner(
  deps: Deps,
  flags: CallerFlags,
  profileOf: (stores: Stores) => Promise<string | undefined>,
): Promise<CallerFlags> {
  const env = deps.env;
  const named = flags.acting !== undefined || flags.profile !== undefined ||
    env.get("AWS_PROFILE") !== undefined ||
    (env.get("AWS_ACCESS_KEY_ID") !== undefined && env.get("AWS_SECRET_ACCESS_KEY") !== undefined);
  if (named) return flags;
  const { store, config } = await storeWithoutCaller(deps, flags);
  if (!isFileStore(store)) return flags;
  const profile = await profileOf(await deps.stores(store));
  const known = profile !== undefined &&
    (config.aws.profiles.has(profile) || config.aws.credentials.has(profile));
  return known ? { ...flags, profile } : flags;
}

/** A policy a caller acting on a record is judged by, and where it comes from. */
export interface JudgingPolicy {
  document: PolicyDocument;
  /** For refusals: `the policy in force (SENTINEL_POLICY)`, `the policy … was made under`. */
  label: string;
}

/**
 * The policies an approver, closer or reviewer is judged by — the act must be allowed by each:
 * the one in force for the record's profile as the caller's own settings name it
 * (`SENTINEL_POLICY`, the profile's `sentinel_policy`, the config file), and, when the record was
 * made under another one, that one too. So neither the requester (who chose the recorded one) nor
 * the caller (who chooses their settings) can pick a more permissive policy alone. Whatever
 * happens here, issuance checks approvals again against the policy it issues under, and
 * break-glass checks reviews again before lifting require_review.
 */
export async function judgingPolicies(
  deps: Deps,
  ctx: ActingContext,
  subject: { id: string; profile: string; policySource?: string },
): Promise<JudgingPolicy[]> {
  const config = await deps.config.load();
  const section = config.aws.profiles.get(subject.profile);
  const setting = policyOf(
    settingSources(deps.env, config.sentinel, section && { name: subject.profile, section }),
    deps.env,
  );
  if (setting === undefined) {
    throw new SentinelError(
      "no_policy",
      `no policy to judge you by for ${subject.profile}: add [profile ${subject.profile}] with sentinel_policy to ${config.aws.configPath}, or set SENTINEL_POLICY (or policy: in the Sentinel config file) to the policy in force for it${
        subject.policySource === undefined
          ? ""
          : ` (${subject.id} was made under ${subject.policySource})`
      }`,
    );
  }
  const load = async (source: string) =>
    (await loadPolicy(deps, {
      source,
      region: ctx.caller.settings.region,
      credentials: () => Promise.resolve(ctx.caller.credentials),
      signal: ctx.caller.signal,
    })).document;
  const inForce = {
    document: await load(setting.source),
    label: `the policy in force for ${subject.profile} (${setting.source}, from ${setting.from})`,
  };
  if (subject.policySource === undefined || subject.policySource === setting.source) {
    return [inForce];
  }
  return [inForce, {
    document: await load(subject.policySource),
    label: `the policy ${subject.id} was made under (${subject.policySource})`,
  }];
}

/** A state-machine step: the next version, or why there is none. */
type Step<R> = { ok: true; next: R } | { ok: false; error: SentinelError };

/**
 * Takes the step under each judging policy (see {@link judgingPolicies}): the first policy's
 * result stands, and a refusal under any other is the answer, naming that policy.
 */
export function underEach<R>(
  policies: readonly JudgingPolicy[],
  step: (document: PolicyDocument) => Step<R>,
): Step<R> {
  const [first, ...others] = policies.map((policy) => ({ policy, result: step(policy.document) }));
  if (!first.result.ok) return first.result;
  for (const { policy, result } of others) {
    if (!result.ok) {
      return {
        ok: false,
        error: new SentinelError(
          result.error.code,
          `${result.error.message} (under ${policy.label})`,
        ),
      };
    }
  }
  return first.result;
}

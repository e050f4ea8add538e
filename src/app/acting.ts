/**
 * What a person acting on shared state (an approver, a reviewer, a requester cancelling) works
 * with: their verified identity, the store their settings name, the decision log and plugins of
 * their configuration, and the policy that says what they may do.
 *
 * @module
 */
import { effectiveProfile } from "../core/aws_profile.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { settingSources, storeOf } from "../core/issuance/settings.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import { resolveSetting, SETTINGS } from "../core/settings.ts";
import type { Deps } from "../ports/deps.ts";
import type { Stores } from "../ports/stores.ts";
import { configuredLogFile } from "./audit.ts";
import { type ActingCaller, actingCaller } from "./caller.ts";
import { loadPolicy } from "./policy.ts";
import { openStore } from "./stores.ts";

/** `--profile`, `--region`, `--store`: how the caller reaches AWS and the store. */
export interface CallerFlags {
  profile?: string;
  region?: string;
  store?: string;
}

/** The store, policy and plugins a caller acts with. */
export interface ActingContext {
  caller: ActingCaller;
  stores: Stores;
  logFile: string;
  plugins: PluginEntry[];
}

/** Resolves and verifies the caller, and opens the store their settings name. */
export async function actingContext(deps: Deps, flags: CallerFlags): Promise<ActingContext> {
  const caller = await actingCaller(deps, flags);
  const stores = await openStore(deps, caller.settings.store, {
    region: caller.settings.region,
    signal: caller.signal,
    credentials: () => Promise.resolve(caller.credentials),
  }, { existing: true }); // acting on what is stored never creates a store
  const config = await deps.config.load();
  return {
    caller,
    stores,
    logFile: await configuredLogFile(deps, caller.settings.profile),
    plugins: config.sentinel.plugins,
  };
}

/** The store and destinations of a command that reads the store, and the caller when verified. */
export interface ReadingContext {
  stores: Stores;
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
  if (identify) return await actingContext(deps, flags);
  const config = await deps.config.load();
  const named = flags.profile ?? deps.env.get("AWS_PROFILE");
  const profile = named ?? (config.aws.profiles.has("default") ? "default" : undefined);
  const section = profile === undefined ? undefined : effectiveProfile(config.aws, profile);
  const sources = settingSources(
    deps.env,
    config.sentinel,
    section === undefined ? undefined : { name: profile!, section },
    { store: flags.store, region: flags.region },
  );
  const store = storeOf(sources, deps.env);
  if (store.kind !== "sqlite") return await actingContext(deps, flags);
  return {
    stores: await deps.stores(store, { existing: true }), // a read never creates a store
    logFile: await configuredLogFile(deps, profile),
    plugins: config.sentinel.plugins,
  };
}

/**
 * The policy an approver, closer or reviewer is judged by: the one the request or event was made
 * under (recorded with it, so nobody acting on it can pick a more permissive one), else — for
 * records from before that was recorded — the policy of the profile in the caller's own
 * configuration. Whatever the caller does here, issuance checks approvals again against the
 * policy it issues under, and break-glass checks reviews again before lifting require_review.
 */
export async function actingPolicy(
  deps: Deps,
  ctx: ActingContext,
  subject: { profile: string; policySource?: string },
): Promise<PolicyDocument> {
  const config = await deps.config.load();
  const section = config.aws.profiles.get(subject.profile);
  const source = subject.policySource ??
    resolveSetting(
      SETTINGS.policy,
      settingSources(deps.env, config.sentinel, section && { name: subject.profile, section }),
    )?.value;
  if (source === undefined) {
    throw new SentinelError(
      ExitCode.InvalidConfig,
      `no policy to decide for ${subject.profile} with: add [profile ${subject.profile}] with sentinel_policy to your AWS config, or set SENTINEL_POLICY`,
    );
  }
  const loaded = await loadPolicy(deps, {
    source,
    region: ctx.caller.settings.region,
    credentials: () => Promise.resolve(ctx.caller.credentials),
    signal: ctx.caller.signal,
  });
  return loaded.document;
}

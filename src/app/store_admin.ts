/**
 * `store init` as a use case: creates what the configured store needs (SQLite: the schema;
 * DynamoDB: the table, its indexes and TTL), reached with the caller's own credentials.
 *
 * @module
 */
import type { StoreSetting } from "../core/store_location.ts";
import type { Deps } from "../ports/deps.ts";
import { type CallerFlags } from "./acting.ts";
import { callerSettings } from "./caller.ts";
import { openStore } from "./stores.ts";

/** Initialises the store the caller's settings name; returns it and what was done. */
export async function initStore(
  deps: Deps,
  flags: CallerFlags,
): Promise<{ store: StoreSetting; region: string; done: string[] }> {
  const caller = await callerSettings(deps, flags);
  const signal = AbortSignal.timeout(Math.max(caller.timeoutSeconds, 120) * 1000);
  const stores = await openStore(deps, caller.store, {
    region: caller.region,
    signal,
    credentials: async () =>
      (await (await deps.baseCredentials()).get(caller.base, signal)).credentials,
  });
  return { store: caller.store, region: caller.region, done: await stores.init() };
}

/** The store the caller's settings name, without opening it. */
export async function configuredStore(deps: Deps, flags: CallerFlags): Promise<StoreSetting> {
  return (await callerSettings(deps, flags)).store;
}

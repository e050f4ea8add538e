/**
 * `store init` as a use case: creates what the configured store needs (SQLite: the schema;
 * DynamoDB: the table, its indexes and TTL), reached with the caller's own credentials — whose
 * identity and account (as STS reports them) it returns, so the person sees who created the table.
 *
 * @module
 */
import type { StoreSetting } from "../core/store/location.ts";
import type { Deps } from "../ports/deps.ts";
import { type CallerFlags, storeWithoutCaller } from "./acting.ts";
import { callerSettings } from "./caller.ts";
import { openStore } from "./stores.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** Who created a DynamoDB table: the identity STS reports for the credentials used. */
export interface StoreCreator {
  arn: string;
  account: string;
  /** The profile the credentials came from, or undefined for the environment's keys. */
  profile?: string;
}

/** Initialises the store the caller's settings name; returns it, what was done, and by whom. */
export async function initStore(
  deps: Deps,
  flags: CallerFlags,
): Promise<{ store: StoreSetting; region: string; done: string[]; by?: StoreCreator }> {
  const caller = await callerSettings(deps, flags);
  const signal = AbortSignal.timeout(Math.max(caller.timeoutSeconds, 120) * 1000);
  let by: StoreCreator | undefined;
  const stores = await openStore(deps, caller.store, {
    region: caller.region,
    signal,
    credentials: async () => {
      const { credentials } = await (await deps.baseCredentials()).get(caller.base, signal);
      const identity = await verifiedIdentity(deps, credentials, { region: caller.region, signal });
      by = {
        arn: identity.arn,
        account: identity.account,
        ...(caller.profile === undefined ? {} : { profile: caller.profile }),
      };
      return credentials;
    },
  });
  const done = await stores.init();
  return { store: caller.store, region: caller.region, done, ...(by ? { by } : {}) };
}

/**
 * The store the caller's settings name, without opening it or naming whose credentials would:
 * printing a table's template or IAM policy needs no AWS identity.
 */
export async function configuredStore(deps: Deps, flags: CallerFlags): Promise<StoreSetting> {
  return (await storeWithoutCaller(deps, flags)).store;
}

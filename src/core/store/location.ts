/**
 * Where approval requests and break-glass events live: `sqlite:<path>` (the embedded default, one
 * machine), `dynamodb:<table>` (teams), or any other kind of ./kinds.ts. Pure parsing with errors
 * that say what to write.
 *
 * @example
 * ```ts
 * import { parseStoreLocation } from "./location.ts";
 *
 * const store = parseStoreLocation("dynamodb:sentinel-state", "/home/a/.local/share/sentinel");
 * console.assert(store.kind === "dynamodb" && store.name === "sentinel-state");
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";
import { noStoreKind, STORE_KINDS, type StoreKindName, storeKindNamed } from "./kinds.ts";

/**
 * A parsed store setting, and where it came from (for messages; absent: not known). `broker` is
 * set on a store reached only through a broker (its id, the URL clients reach it at): in broker
 * mode a client names the broker, never the store, which only the broker's principal can open.
 */
export type StoreSetting = {
  [K in StoreKindName]: { kind: K; name: string; text: string; from?: string; broker?: string };
}[StoreKindName];

/** Where a store setting that no source set comes from. */
export const DEFAULT_STORE_ORIGIN = "the default";

/** The store as messages name it: `sqlite:/x/s.db (from SENTINEL_STORE)`. */
export function storeNamed(store: StoreSetting): string {
  if (store.broker !== undefined) return `the store of the broker ${store.broker}`;
  return store.from === undefined ? store.text : `${store.text} (from ${store.from})`;
}

/**
 * Where a record was looked for, and how to look elsewhere, for a not-found message:
 * `the store sqlite:/x/s.db (from …); …, or name the store it is in with --store`.
 */
export function lookedIn(store: StoreSetting): { where: string; elsewhere: string } {
  return store.broker === undefined
    ? {
      where: `the store ${storeNamed(store)}`,
      elsewhere: ", or name the store it is in with --store",
    }
    : { where: storeNamed(store), elsewhere: "" };
}

/** The same store, reached through the broker `brokerId`. */
export function behindBroker(store: StoreSetting, brokerId: string): StoreSetting {
  return { ...store, broker: brokerId };
}

/** The default store: an SQLite file in Sentinel's data directory. */
export function defaultStoreText(dataDir: string): string {
  return `sqlite:${dataDir}/sentinel.db`;
}

/**
 * Parses `<kind>:<name>` for any kind of core/store/kinds.ts (`sqlite:<path>`, whose `~/` is the
 * home directory, or `dynamodb:<table>`). `from` says where the text came from, for messages.
 */
export function parseStoreLocation(text: string, home: string, from?: string): StoreSetting {
  const colon = text.indexOf(":");
  const kind = colon < 0 ? undefined : storeKindNamed(text.slice(0, colon));
  const parsed = kind === undefined
    ? undefined
    : STORE_KINDS[kind].name(text.slice(colon + 1), home);
  if (parsed !== undefined && "name" in parsed) {
    return {
      kind,
      name: parsed.name,
      text,
      ...(from === undefined ? {} : { from }),
    } as StoreSetting;
  }
  throw new SentinelError("invalid_config", parsed?.error ?? noStoreKind(text));
}

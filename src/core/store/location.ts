/**
 * Where approval requests and break-glass events live: `sqlite:<path>` (the embedded default, one
 * machine) or `dynamodb:<table>` (teams). Pure parsing with errors that say what to write.
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
import { expandHome } from "../environment.ts";
import { SentinelError } from "../errors.ts";

/** A parsed store setting, and where it came from (for messages; absent: not known). */
export type StoreSetting =
  | { kind: "sqlite"; name: string; text: string; from?: string }
  | { kind: "dynamodb"; name: string; text: string; from?: string };

/** Where a store setting that no source set comes from. */
export const DEFAULT_STORE_ORIGIN = "the default";

/** The store as messages name it: `sqlite:/x/s.db (from SENTINEL_STORE)`. */
export function storeNamed(store: StoreSetting): string {
  return store.from === undefined ? store.text : `${store.text} (from ${store.from})`;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** The default store: an SQLite file in Sentinel's data directory. */
export function defaultStoreText(dataDir: string): string {
  return `sqlite:${dataDir}/sentinel.db`;
}

/**
 * Parses `sqlite:<path>` or `dynamodb:<table>`; `~/` in a path is the home directory. `from`
 * says where the text came from, for messages.
 */
export function parseStoreLocation(text: string, home: string, from?: string): StoreSetting {
  const colon = text.indexOf(":");
  const kind = colon < 0 ? "" : text.slice(0, colon);
  const name = colon < 0 ? "" : text.slice(colon + 1);
  const origin = from === undefined ? {} : { from };
  if (kind === "sqlite" && name !== "") {
    return { kind, name: expandHome(name, home), text, ...origin };
  }
  if (kind === "dynamodb" && TABLE_NAME.test(name)) return { kind, name, text, ...origin };
  throw new SentinelError(
    "invalid_config",
    kind === "dynamodb"
      ? `"${name}" is not a DynamoDB table name (3-255 letters, digits, _ . -)`
      : `store "${text}" is neither sqlite:<path> nor dynamodb:<table>; for example sqlite:~/.local/share/sentinel/sentinel.db or dynamodb:sentinel-state`,
  );
}

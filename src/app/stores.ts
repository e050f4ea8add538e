/**
 * Opening the approval and break-glass stores a setting names: a store that is a file (SQLite)
 * needs nothing more; one reached over AWS (DynamoDB) is reached with the given credentials in the
 * given region, within the command's deadline (core/store/kinds.ts says which a kind is). And what
 * every list of them does with a record the store cannot read: name it.
 *
 * @module
 */
import { displaySafe } from "../core/text/display.ts";
import { isFileStore } from "../core/store/kinds.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { Deps } from "../ports/deps.ts";
import type { Page, Stores } from "../ports/stores.ts";

/** How to reach a store over AWS. */
export interface StoreAccess {
  region: string;
  signal: AbortSignal;
  /** Fetched only for a store reached over AWS. */
  credentials: () => Promise<AwsCredentials>;
}

/** The stores a setting names. */
export async function openStore(
  deps: Deps,
  setting: StoreSetting,
  access: StoreAccess,
  options?: { existing?: boolean },
): Promise<Stores> {
  if (isFileStore(setting)) return await deps.stores(setting, options);
  return await deps.stores({
    ...setting,
    credentials: await access.credentials(),
    call: { region: access.region, signal: access.signal },
  });
}

/**
 * Names on stderr each record a list left out because the store cannot read it (see
 * core/store_records.ts): the list shows the rest, and the person learns which record to repair.
 */
export function warnDamaged(
  deps: Pick<Deps, "warn">,
  what: "request" | "break-glass event",
  page: Page<unknown>,
): void {
  for (const record of page.damaged ?? []) {
    deps.warn(displaySafe(
      `${what} ${record.id} in ${record.where} is damaged (${record.why}); it is left out of ` +
        "this list: restore the store from a backup, or delete that record",
    ));
  }
}

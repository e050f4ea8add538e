/**
 * Opening the approval and break-glass stores a setting names: SQLite needs nothing more;
 * DynamoDB is reached with the given credentials in the given region, within the command's
 * deadline. And what every list of them does with a record the store cannot read: name it.
 *
 * @module
 */
import { displaySafe } from "../core/text/display.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { Deps } from "../ports/deps.ts";
import type { Page, Stores } from "../ports/stores.ts";

/** How to reach a DynamoDB store. */
export interface StoreAccess {
  region: string;
  signal: AbortSignal;
  /** Fetched only for DynamoDB. */
  credentials: () => Promise<AwsCredentials>;
}

/** The stores a setting names. */
export async function openStore(
  deps: Deps,
  setting: StoreSetting,
  access: StoreAccess,
  options?: { existing?: boolean },
): Promise<Stores> {
  if (setting.kind === "sqlite") return await deps.stores(setting, options);
  return await deps.stores({
    ...setting,
    kind: "dynamodb",
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

/**
 * Opening the approval and break-glass stores a setting names: SQLite needs nothing more;
 * DynamoDB is reached with the given credentials in the given region, within the command's
 * deadline.
 *
 * @module
 */
import type { StoreSetting } from "../core/store_location.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { Deps } from "../ports/deps.ts";
import type { Stores } from "../ports/stores.ts";

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
): Promise<Stores> {
  if (setting.kind === "sqlite") return await deps.stores(setting);
  return await deps.stores({
    ...setting,
    kind: "dynamodb",
    credentials: await access.credentials(),
    call: { region: access.region, signal: access.signal },
  });
}

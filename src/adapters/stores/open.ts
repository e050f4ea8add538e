/**
 * Opens the stores a {@link StoreLocation} names: the SQLite file (created with its schema when
 * missing) or the DynamoDB table over the light AWS transport. Each implementation is imported on
 * first use, so the SQLite path never loads the AWS client and the DynamoDB path never loads
 * `node:sqlite`.
 *
 * @example
 * ```ts
 * const stores = await openStores({ kind: "sqlite", name: "/tmp/s.db", text: "sqlite:/tmp/s.db" });
 * console.log((await stores.init()).join("\n"));
 * stores.close();
 * ```
 * @module
 */
import type { StoreLocation, Stores } from "../../ports/stores.ts";
import type { TransportOptions } from "../aws/endpoints.ts";

/**
 * The stores at `location`. DynamoDB endpoints come from `transport` (the composition root passes
 * its environment lookup); without it, from the process environment (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL`), else the regional endpoint. With `existing`, a missing SQLite file is an
 * error and nothing is created (a DynamoDB table is never created here, only by `init()`).
 */
export async function openStores(
  location: StoreLocation,
  transport?: TransportOptions,
  options: { existing?: boolean } = {},
): Promise<Stores> {
  if (location.kind === "sqlite") {
    const { openSqliteStores } = await import("./sqlite.ts");
    return openSqliteStores(location.name, {
      create: options.existing !== true,
      setting: { text: location.text, from: location.from },
    });
  }
  const [{ DynamoDbClient }, { openDynamoDbStores }] = await Promise.all([
    import("../aws/dynamodb.ts"),
    import("./dynamodb.ts"),
  ]);
  const client = new DynamoDbClient({
    endpoints: transport?.endpoints ?? ((name) => Deno.env.get(name)),
    credentials: location.credentials,
    call: location.call,
  });
  return openDynamoDbStores(location.name, client);
}

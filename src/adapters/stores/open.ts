/**
 * The store drivers' adapter half, one opener per kind of store, registered here and nowhere else
 * in the adapters: the SQLite file (created with its schema when missing) or the DynamoDB table
 * over the light AWS transport. What Sentinel knows of a kind without opening one — its setting,
 * how it is reached, `doctor`'s advice, its templates — is the driver's other half, in
 * core/store/kinds.ts; {@link OPENERS} must have an entry for every kind there (the type checker
 * says so). Each implementation is imported on first use, so the SQLite path never loads the AWS
 * client and the DynamoDB path never loads `node:sqlite`.
 *
 * @example
 * ```ts
 * const stores = await openStores({ kind: "sqlite", name: "/tmp/s.db", text: "sqlite:/tmp/s.db" });
 * console.log((await stores.init()).join("\n"));
 * stores.close();
 * ```
 * @module
 */
import type { StoreKindName } from "../../core/store/kinds.ts";
import type { StoreLocation, Stores } from "../../ports/stores.ts";
import type { TransportOptions } from "../aws/endpoints.ts";

/** How to open: whether a store that does not exist is an error rather than created. */
export interface OpenOptions {
  existing?: boolean;
}

/** Opens the stores at a location of one kind. */
type Opener<K extends StoreKindName> = (
  location: Extract<StoreLocation, { kind: K }>,
  transport: TransportOptions,
  options: OpenOptions,
) => Promise<Stores>;

/** One opener per kind of store (core/store/kinds.ts). */
const OPENERS: { [K in StoreKindName]: Opener<K> } = {
  sqlite: async (location, _transport, options) => {
    const { openSqliteStores } = await import("./sqlite.ts");
    return openSqliteStores(location.name, {
      create: options.existing !== true,
      setting: { text: location.text, from: location.from },
    });
  },
  dynamodb: async (location, transport) => {
    const [{ DynamoDbClient }, { openDynamoDbStores }] = await Promise.all([
      import("../aws/dynamodb.ts"),
      import("./dynamodb.ts"),
    ]);
    const client = new DynamoDbClient({
      endpoints: transport.endpoints,
      credentials: location.credentials,
      call: location.call,
    });
    return openDynamoDbStores(location.name, client);
  },
};

/**
 * The stores at `location`. AWS endpoints come from `transport` (the composition root passes its
 * environment lookup); without it, from the process environment (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL`), else the regional endpoint. With `existing`, a missing SQLite file is an
 * error and nothing is created (a DynamoDB table is never created here, only by `init()`).
 */
export function openStores(
  location: StoreLocation,
  transport?: TransportOptions,
  options: OpenOptions = {},
): Promise<Stores> {
  // The opener of the location's own kind: TypeScript cannot pair the two through the union.
  const open = OPENERS[location.kind] as Opener<StoreKindName>;
  return open(
    location,
    { endpoints: transport?.endpoints ?? ((name) => Deno.env.get(name)) },
    options,
  );
}

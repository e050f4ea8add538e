/**
 * The DynamoDB table of the team store (DESIGN §8, §9), declared once: its key, its global
 * secondary indexes, its TTL attribute and the calls the store makes. The store adapter
 * (`src/adapters/stores/dynamodb.ts`) builds its items, its queries and its CreateTable from these
 * names, and `store_template.ts` renders the same table as CloudFormation and the IAM policy for
 * it, so the three cannot drift. Pure data, no I/O.
 *
 * @example
 * ```ts
 * import { STORE_INDEXES, tableDefinition } from "./table.ts";
 *
 * const table = tableDefinition("sentinel-state");
 * console.assert(table.GlobalSecondaryIndexes.length === Object.keys(STORE_INDEXES).length);
 * ```
 * @module
 */

/** The table's primary key: a string partition key and a string sort key. */
export const TABLE_KEY = { partition: "pk", sort: "sk" } as const;

/** One global secondary index: its name, its key attributes and the sort key's type. */
export interface IndexDesign {
  readonly name: string;
  readonly partition: string;
  readonly sort: string;
  /** `S` (string) or `N` (number). */
  readonly sortType: "S" | "N";
}

/**
 * The global secondary indexes (all project every attribute). `created` is the zero-padded
 * creation time and the id, so a descending query lists newest first:
 * - `by_user`: requests by requester, events by invoker;
 * - `by_status`: requests by status; events while unreviewed;
 * - `by_profile`: requests and events by profile;
 * - `by_kind`: every request, every event (unfiltered newest-first lists);
 * - `by_grant`: sparse — approved requests and open events by user and profile, sorted by when
 *   the access ends (the credential path's one query).
 */
export const STORE_INDEXES = {
  byUser: { name: "by_user", partition: "user_key", sort: "created", sortType: "S" },
  byStatus: { name: "by_status", partition: "status_key", sort: "created", sortType: "S" },
  byProfile: { name: "by_profile", partition: "profile_key", sort: "created", sortType: "S" },
  byKind: { name: "by_kind", partition: "kind_key", sort: "created", sortType: "S" },
  byGrant: { name: "by_grant", partition: "grant_key", sort: "grant_ends", sortType: "N" },
} as const satisfies Record<string, IndexDesign>;

/**
 * The TTL attribute (epoch seconds). Only data that may vanish carries it: terminal approval
 * requests with `retainUntil`, rate-limit items once their newest use has left the window, replay
 * records (broker mode) once their time has passed, and revocations once no session they can
 * match is alive. Pending requests, break-glass events and review markers never do.
 */
export const TTL_ATTRIBUTE = "expires_at";

/**
 * The DynamoDB actions the store performs on the table while in use (TransactWriteItems is
 * authorised per item as PutItem, UpdateItem and ConditionCheckItem; a replay record is a
 * conditional PutItem; Query reads the one partition of a role's revocations, consistently, which
 * an index cannot). It never deletes: records leave only by TTL.
 */
export const STORE_ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:Query",
] as const;

/** The action the store performs on its indexes. */
export const STORE_INDEX_ACTIONS = ["dynamodb:Query"] as const;

/** What `sentinel store init` calls on the table. */
export const STORE_INIT_ACTIONS = [
  "dynamodb:CreateTable",
  "dynamodb:DescribeTable",
  "dynamodb:UpdateTimeToLive",
] as const;

/** A key attribute of the table or an index. */
export interface KeyElement {
  AttributeName: string;
  KeyType: "HASH" | "RANGE";
}

/** The table as CreateTable and CloudFormation's `AWS::DynamoDB::Table` both describe it. */
export interface TableDefinition {
  TableName: string;
  BillingMode: "PAY_PER_REQUEST";
  AttributeDefinitions: { AttributeName: string; AttributeType: "S" | "N" }[];
  KeySchema: KeyElement[];
  GlobalSecondaryIndexes: {
    IndexName: string;
    KeySchema: KeyElement[];
    Projection: { ProjectionType: "ALL" };
  }[];
}

/** The table `name`: on-demand billing, the primary key and every index of {@link STORE_INDEXES}. */
export function tableDefinition(name: string): TableDefinition {
  const indexes: readonly IndexDesign[] = Object.values(STORE_INDEXES);
  const types = new Map<string, "S" | "N">([[TABLE_KEY.partition, "S"], [TABLE_KEY.sort, "S"]]);
  for (const index of indexes) {
    types.set(index.partition, "S");
    types.set(index.sort, index.sortType);
  }
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...types].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: keySchema(TABLE_KEY.partition, TABLE_KEY.sort),
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partition, index.sort),
      Projection: { ProjectionType: "ALL" },
    })),
  };
}

function keySchema(partition: string, sort: string): KeyElement[] {
  return [
    { AttributeName: partition, KeyType: "HASH" },
    { AttributeName: sort, KeyType: "RANGE" },
  ];
}

/**
 * A small DynamoDB client on the light transport (JSON 1.0 over `fetch` + SigV4, no AWS SDK):
 * the nine calls the team store needs. Every call runs under the shared rules of `aws_call.ts` —
 * the deadline of its {@link AwsCall}, at most one retry, the failure messages of `failure.ts` (a
 * missing table says to run `sentinel store init`). What a store must decide on is not a failure
 * but a typed result: a conditional write whose condition did not hold, a cancelled transaction
 * with its reasons, a table that does not exist yet (DescribeTable).
 *
 * A write retried after a lost answer may meet its own first attempt: write results say whether
 * the call was retried, and transactions carry a ClientRequestToken so that their retry is
 * idempotent.
 *
 * @example
 * ```ts
 * const db = new DynamoDbClient({
 *   endpoints: (name) => Deno.env.get(name),
 *   credentials,
 *   call: { region: "eu-west-1", signal: AbortSignal.timeout(10_000) },
 * });
 * const item = await db.getItem({ TableName: "sentinel-state", Key: { pk: { S: "a" }, sk: { S: "b" } } });
 * ```
 * @module
 */
import type { AwsCall, AwsCredentials } from "../../ports/aws.ts";
import { callSite, runAwsCall } from "./aws_call.ts";
import { DYNAMODB_JSON, jsonAnswer, jsonError, jsonRequest } from "./aws_json.ts";
import type { EndpointLookup } from "./endpoints.ts";
import { AwsFaultError } from "./failure.ts";
import { type RawAnswer, signedPost } from "./signed_fetch.ts";

/** A DynamoDB attribute value (the types the store uses). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { SS: string[] }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Item };

/** An item, or a key: attribute name → value. */
export type Item = Record<string, AttributeValue>;

/** Placeholders of an expression. */
export interface ExpressionParts {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

/** GetItem's input. */
export interface GetItemInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
}

/** PutItem's input (also a transaction's Put). */
export interface PutItemInput extends ExpressionParts {
  TableName: string;
  Item: Item;
}

/** UpdateItem's input (also a transaction's Update). */
export interface UpdateItemInput extends ExpressionParts {
  TableName: string;
  Key: Item;
  UpdateExpression: string;
}

/** DeleteItem's input (also a transaction's Delete). */
export interface DeleteItemInput extends ExpressionParts {
  TableName: string;
  Key: Item;
}

/** A transaction's ConditionCheck. */
export interface ConditionCheckInput extends ExpressionParts {
  TableName: string;
  Key: Item;
  ConditionExpression: string;
}

/** Query's input. */
export interface QueryInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ScanIndexForward?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Item;
  ConsistentRead?: boolean;
}

/** One page of a Query. */
export interface QueryPage {
  items: Item[];
  /** Where the next page starts; absent on the last page. */
  lastEvaluatedKey?: Item;
}

/** One item of TransactWriteItems. */
export type TransactItem =
  | { Put: PutItemInput }
  | { Update: UpdateItemInput }
  | { Delete: DeleteItemInput }
  | { ConditionCheck: ConditionCheckInput };

/** The outcome of a conditional write. */
export type WriteResult =
  | { ok: true }
  /**
   * The condition did not hold. `item` is the item as it was (when asked for with
   * ReturnValuesOnConditionCheckFailure); `retried` says the failing attempt was a retry, whose
   * first attempt may have been applied.
   */
  | { ok: false; item?: Item; retried: boolean };

/** Why one item of a cancelled transaction failed (`None` for the items that were fine). */
export interface CancellationReason {
  code: string;
  message?: string;
  item?: Item;
}

/** The outcome of TransactWriteItems. */
export type TransactResult = { ok: true } | { ok: false; reasons: CancellationReason[] };

/** What DescribeTable says about a table and its indexes. */
export interface TableState {
  status: string;
  arn: string;
  keySchema: { AttributeName: string; KeyType: string }[];
  indexes: {
    name: string;
    status: string;
    keySchema: { AttributeName: string; KeyType: string }[];
  }[];
}

/** What a client is built from. */
export interface DynamoDbOptions {
  /** Endpoint settings (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`) by variable name. */
  endpoints: EndpointLookup;
  credentials: AwsCredentials;
  /** The region, and the deadline every call of this client ends by. */
  call: AwsCall;
}

/** DynamoDB over `fetch`, bound to one set of credentials, one region and one deadline. */
export class DynamoDbClient {
  readonly #options: DynamoDbOptions;

  constructor(options: DynamoDbOptions) {
    this.#options = options;
  }

  /** The deadline of every call. */
  get signal(): AbortSignal {
    return this.#options.call.signal;
  }

  /** GetItem; `undefined` when there is no such item. */
  async getItem(input: GetItemInput): Promise<Item | undefined> {
    const body = await this.#send("GetItem", input.TableName, { ...input }, jsonAnswer);
    return body.Item as Item | undefined;
  }

  /** PutItem; a failed condition is a result, with the old item. */
  putItem(input: PutItemInput): Promise<WriteResult> {
    return this.#write("PutItem", input);
  }

  /** UpdateItem; a failed condition is a result, with the old item. */
  updateItem(input: UpdateItemInput): Promise<WriteResult> {
    return this.#write("UpdateItem", input);
  }

  /** DeleteItem; a failed condition is a result, with the old item. */
  deleteItem(input: DeleteItemInput): Promise<WriteResult> {
    return this.#write("DeleteItem", input);
  }

  /** One page of a Query (follow `lastEvaluatedKey` for the next). */
  async query(input: QueryInput): Promise<QueryPage> {
    const body = await this.#send("Query", input.TableName, { ...input }, jsonAnswer);
    if (!Array.isArray(body.Items)) {
      throw new AwsFaultError({ kind: "malformed", detail: "no Items in the Query answer" });
    }
    return {
      items: body.Items as Item[],
      lastEvaluatedKey: body.LastEvaluatedKey as Item | undefined,
    };
  }

  /**
   * TransactWriteItems, all or nothing; a cancelled transaction is a result with one reason per
   * item (`ConditionalCheckFailed`, `TransactionConflict`, `None`, …). A ClientRequestToken
   * makes the one retry idempotent.
   */
  async transactWriteItems(items: TransactItem[]): Promise<TransactResult> {
    const table = Object.values(items[0] ?? {})[0]?.TableName ?? "";
    const input = {
      TransactItems: items.map((item) => withFailureValues(item)),
      ClientRequestToken: crypto.randomUUID(),
    };
    return await this.#send("TransactWriteItems", table, input, (answer) => {
      const fault = answer.status >= 400 ? jsonError(answer) : undefined;
      if (fault?.kind === "service" && fault.code === "TransactionCanceledException") {
        const reasons = parse(answer.text).CancellationReasons;
        return {
          ok: false,
          reasons: Array.isArray(reasons) ? reasons.map(cancellationReason) : [],
        };
      }
      jsonAnswer(answer);
      return { ok: true };
    });
  }

  /** CreateTable; `exists` when a table of that name is already there. */
  async createTable(input: Record<string, unknown>): Promise<"created" | "exists"> {
    const table = String(input.TableName);
    return await this.#send("CreateTable", table, input, (answer) => {
      const fault = answer.status >= 400 ? jsonError(answer) : undefined;
      if (fault?.kind === "service" && fault.code === "ResourceInUseException") return "exists";
      jsonAnswer(answer);
      return "created";
    });
  }

  /** DescribeTable; `undefined` when the table does not exist. */
  async describeTable(table: string): Promise<TableState | undefined> {
    return await this.#send("DescribeTable", table, { TableName: table }, (answer) => {
      const fault = answer.status >= 400 ? jsonError(answer) : undefined;
      if (fault?.kind === "service" && fault.code === "ResourceNotFoundException") return undefined;
      const description = jsonAnswer(answer).Table as Record<string, unknown> | undefined;
      if (typeof description?.TableStatus !== "string") {
        throw new AwsFaultError({
          kind: "malformed",
          detail: "no Table.TableStatus in the answer",
        });
      }
      const indexes = (description.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
      return {
        status: description.TableStatus,
        arn: String(description.TableArn ?? ""),
        keySchema: (description.KeySchema ?? []) as TableState["keySchema"],
        indexes: indexes.map((index) => ({
          name: String(index.IndexName),
          status: String(index.IndexStatus ?? "ACTIVE"),
          keySchema: (index.KeySchema ?? []) as TableState["keySchema"],
        })),
      };
    });
  }

  /**
   * AWS's clock, epoch ms: the `Date` of the answer to a GetItem of `key` (second resolution; a
   * key no item has costs least). It needs only read access to the table.
   */
  async serverTime(table: string, key: Item): Promise<number> {
    return await this.#send("GetItem", table, { TableName: table, Key: key }, (answer) => {
      jsonAnswer(answer);
      const date = Date.parse(answer.headers.get("date") ?? "");
      if (Number.isNaN(date)) {
        throw new AwsFaultError({ kind: "malformed", detail: "the answer has no Date header" });
      }
      return date;
    });
  }

  /** UpdateTimeToLive: enables TTL on `attribute` (epoch seconds). */
  async updateTimeToLive(table: string, attribute: string): Promise<void> {
    const input = {
      TableName: table,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
    };
    await this.#send("UpdateTimeToLive", table, input, jsonAnswer);
  }

  async #write(
    operation: "PutItem" | "UpdateItem" | "DeleteItem",
    input: PutItemInput | UpdateItemInput | DeleteItemInput,
  ): Promise<WriteResult> {
    const request = { ...input, ReturnValuesOnConditionCheckFailure: "ALL_OLD" };
    return await this.#send(operation, input.TableName, request, (answer, attempt) => {
      const fault = answer.status >= 400 ? jsonError(answer) : undefined;
      if (fault?.kind === "service" && fault.code === "ConditionalCheckFailedException") {
        const item = parse(answer.text).Item as Item | undefined;
        return { ok: false, item, retried: attempt > 1 };
      }
      jsonAnswer(answer);
      return { ok: true };
    });
  }

  /**
   * Sends one call under the shared deadline and retry rules; `read` interprets the answer of
   * attempt number `attempt` (2 for the retry).
   */
  async #send<T>(
    operation: string,
    table: string,
    input: Record<string, unknown>,
    read: (answer: RawAnswer, attempt: number) => T,
  ): Promise<T> {
    const { endpoints, credentials, call } = this.#options;
    const site = callSite(endpoints, "dynamodb", operation, call.region, `on table ${table}`);
    const request = jsonRequest(DYNAMODB_JSON, operation, input);
    const target = { url: site.endpoint.url, service: site.service, region: site.region };
    let attempts = 0;
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const attempt = ++attempts;
      return read(await signedPost(credentials, target, request, signal), attempt);
    });
  }
}

/** Asks a transaction item to return the old item when its condition fails. */
function withFailureValues(item: TransactItem): Record<string, unknown> {
  const [kind, body] = Object.entries(item)[0] as [string, ExpressionParts];
  return body.ConditionExpression === undefined
    ? item
    : { [kind]: { ...body, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } };
}

function cancellationReason(raw: unknown): CancellationReason {
  const reason = (raw ?? {}) as { Code?: unknown; Message?: unknown; Item?: unknown };
  return {
    code: typeof reason.Code === "string" ? reason.Code : "None",
    message: typeof reason.Message === "string" ? reason.Message : undefined,
    item: reason.Item !== null && typeof reason.Item === "object" ? reason.Item as Item : undefined,
  };
}

function parse(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

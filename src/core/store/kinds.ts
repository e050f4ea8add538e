/**
 * The kinds of store, registered here and nowhere else in the core: what Sentinel knows of each
 * without opening one — how its `<kind>:<name>` setting is written and checked, whether it is a
 * file on this machine or reached over AWS with the caller's credentials in a region, what
 * `doctor` advises when it cannot be reached, and its deployment helpers where it has them
 * (DynamoDB's CloudFormation template and IAM policy). How to open one is the other half of its
 * driver, in src/adapters/stores/open.ts, which the type checker requires for every kind here.
 * Pure.
 *
 * @example
 * ```ts
 * import { isFileStore, storeKind } from "./kinds.ts";
 *
 * const store = { kind: "dynamodb", name: "sentinel-state", text: "dynamodb:sentinel-state" } as const;
 * console.assert(!isFileStore(store) && storeKind(store).deployment !== undefined);
 * ```
 * @module
 */
import { expandHome } from "../environment.ts";
import { dynamoDbTemplate, type IamPolicy, storeIamPolicy } from "./template.ts";

/** What Sentinel knows of one kind of store without opening one. */
export interface StoreKind {
  /** How its setting is written, for messages: `sqlite:<path>`. */
  readonly form: string;
  /** A setting of this kind, for messages. */
  readonly example: string;
  /** What it is for, in the settings table: `one machine`. */
  readonly use: string;
  /**
   * The part of the setting after `<kind>:`, normalised (`~/` is `home`); `undefined` when there
   * is no name at all (the message then names every kind), or what is wrong with the name.
   */
  name(text: string, home: string): { name: string } | { error: string } | undefined;
  /**
   * How it is reached. `file`: a file on this machine, read with no AWS call and no credentials; a
   * missing file holds nothing, and reading creates none. `aws`: an AWS service, with the
   * caller's credentials in a region and within the command's deadline.
   */
  readonly reach: "file" | "aws";
  /** What `doctor` advises when the store cannot be reached. */
  readonly unreachableFix: string;
  /** What `store init --print-template` and `--print-iam` print, for a kind that has them. */
  readonly deployment?: {
    template(name: string): string;
    iamPolicy(arn: string): IamPolicy;
  };
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Every kind of store, by the prefix of its setting; the first is the default's. */
export const STORE_KINDS = {
  sqlite: {
    form: "sqlite:<path>",
    example: "sqlite:~/.local/share/sentinel/sentinel.db",
    use: "one machine",
    name: (text: string, home: string) =>
      text === "" ? undefined : { name: expandHome(text, home) },
    reach: "file",
    unreachableFix: "fix the file's permissions, or point sentinel_store elsewhere",
  },
  dynamodb: {
    form: "dynamodb:<table>",
    example: "dynamodb:sentinel-state",
    use: "teams; create it with `sentinel store init`",
    name: (text: string) =>
      TABLE_NAME.test(text)
        ? { name: text }
        : { error: `"${text}" is not a DynamoDB table name (3-255 letters, digits, _ . -)` },
    reach: "aws",
    unreachableFix: "create it with `sentinel store init`, or check sentinel_store and the region",
    deployment: { template: dynamoDbTemplate, iamPolicy: storeIamPolicy },
  },
} as const satisfies Record<string, StoreKind>;

/** The name of a kind of store: the prefix of its setting. */
export type StoreKindName = keyof typeof STORE_KINDS;

/** The kinds reached as `reach` says. */
export type StoreKindReached<R extends StoreKind["reach"]> = {
  [K in StoreKindName]: (typeof STORE_KINDS)[K]["reach"] extends R ? K : never;
}[StoreKindName];

/** The kind `prefix` names, or `undefined` (never a property every object has). */
export function storeKindNamed(prefix: string): StoreKindName | undefined {
  return Object.hasOwn(STORE_KINDS, prefix) ? prefix as StoreKindName : undefined;
}

/** What Sentinel knows of the store's kind. */
export function storeKind(store: { kind: StoreKindName }): StoreKind {
  return STORE_KINDS[store.kind];
}

/** Whether the store is a file on this machine (read with no AWS call; see {@link StoreKind}). */
export function isFileStore<S extends { kind: StoreKindName }>(
  store: S,
): store is Extract<S, { kind: StoreKindReached<"file"> }> {
  return storeKind(store).reach === "file";
}

/** Whether the store is reached over AWS, with the caller's credentials in a region. */
export function isAwsStore<S extends { kind: StoreKindName }>(
  store: S,
): store is Extract<S, { kind: StoreKindReached<"aws"> }> {
  return storeKind(store).reach === "aws";
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** Every kind's form with what it is for, for the settings table. */
export function storeKindsHelp(): string {
  return orList(Object.values(STORE_KINDS).map((kind) => `${kind.form} (${kind.use})`));
}

/** What a setting that names no kind is not, with examples of what it could be. */
export function noStoreKind(text: string): string {
  const kinds = Object.values(STORE_KINDS);
  const forms = kinds.map((kind) => kind.form);
  const isNot = forms.length === 2
    ? `neither ${forms[0]} nor ${forms[1]}`
    : `none of ${orList(forms)}`;
  return `store "${text}" is ${isNot}; for example ${orList(kinds.map((kind) => kind.example))}`;
}

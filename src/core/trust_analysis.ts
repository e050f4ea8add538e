/**
 * Who can assume a role, read from its trust policy (`sentinel enforce plan`): every Allow
 * statement that grants a way to assume the role (`sts:AssumeRole`, `…WithSAML`,
 * `…WithWebIdentity`, by name, glob or `NotAction`), and each principal it names besides the
 * broker — everyone, an account (any principal of it whose own IAM policies allow the call), a
 * user or role, a service, a federated provider — with why that principal can get in.
 *
 * Conservative by design: an opening counts as closed only when the document proves it.
 * Conditions on an Allow are listed, never relied on — a statement that requires a Sentinel
 * SourceIdentity still admits anyone it names who may call `sts:SetSourceIdentity`, because the
 * caller chooses the SourceIdentity. Only a condition on `aws:PrincipalArn` (which the caller
 * cannot choose) is read, and only as the patterns AWS recommends: an Allow that requires the
 * broker's ARN, or a Deny for every ARN but the broker's. A Deny closes an opening only when it
 * has no other condition and surely covers it; `NotPrincipal` is read the way AWS evaluates it (a
 * role's sessions are not exempt unless their session ARNs are listed).
 *
 * @example
 * ```ts
 * import { analyseTrustPolicy } from "./trust_analysis.ts";
 *
 * const broker = "arn:aws:iam::123456789012:role/SentinelBroker";
 * const open = analyseTrustPolicy(
 *   JSON.stringify({
 *     Version: "2012-10-17",
 *     Statement: [{ Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole" }],
 *   }),
 *   broker,
 * );
 * console.assert(open.ok === false && open.others[0].kind === "account");
 * ```
 * @module
 */
import { globMatches } from "./policy/glob.ts";
import { ROLE_ARN } from "./trust_policy.ts";

/** The ways to assume a role. */
export const ASSUME_ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
] as const;

/** What the broker needs besides `sts:AssumeRole`: it stamps every session. */
const SET_SOURCE_IDENTITY = "sts:SetSourceIdentity";
const RELEVANT = [...ASSUME_ACTIONS, SET_SOURCE_IDENTITY];

/** Who an opening admits. */
export type OpeningKind =
  | "everyone"
  | "account"
  | "principal"
  | "service"
  | "federated"
  | "canonical_user"
  | "unknown";

/** Someone besides the broker whom one statement lets assume the role. */
export interface Opening {
  /** The statement's position in the document (0-based); -1 for the document itself. */
  index: number;
  sid: string | null;
  /** As written: `*`, `AWS arn:aws:iam::123456789012:root`, `Federated cognito-identity…`. */
  principal: string;
  kind: OpeningKind;
  /** The ways to assume the role it still allows after the Deny statements. */
  actions: string[];
  /** Its conditions, one line each (`StringLike sts:SourceIdentity sentinel=*=*`). */
  conditions: string[];
  /** Why this principal can get in, in a sentence. */
  why: string;
}

/** Whether the broker itself can assume the role and stamp its sessions. */
export interface BrokerAccess {
  arn: string;
  /** Named in an Allow for `sts:AssumeRole` and `sts:SetSourceIdentity`, and denied neither. */
  admitted: boolean;
  detail: string;
}

/** What a trust policy admits. */
export interface TrustAnalysis {
  /** Nobody but the broker can assume the role (and the broker can, when one is given). */
  ok: boolean;
  others: Opening[];
  /** `null` when no broker was given: then everyone who can assume the role is an opening. */
  broker: BrokerAccess | null;
  /** What was read but not counted either way (conditional Deny statements, deleted principals). */
  notes: string[];
}

/** One principal as a statement names it. */
interface Ref {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare `"Principal": "*"`. */
  type: string;
  value: string;
}

/** One condition: operator, key and values. */
interface Condition {
  operator: string;
  key: string;
  values: string[];
}

/** A statement, reduced to what matters here. */
interface Statement {
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  /** `undefined`: no Principal; `null`: one that cannot be read. */
  principal: Ref[] | null | undefined;
  notPrincipal: Ref[] | null | undefined;
  /** Which of the relevant actions it covers. */
  actions: string[];
  conditions: Condition[];
}

/** A principal, as far as coverage goes. */
type Who =
  | { kind: "everyone" }
  | { kind: "account"; account: string }
  | { kind: "principal"; arn: string; account: string | undefined }
  | { kind: "broker" }
  | { kind: "broker_session"; arn: string }
  | { kind: "deleted"; id: string }
  | { kind: "service" | "federated" | "canonical_user"; name: string }
  | { kind: "unknown"; text: string };

/** What the analysis knows about the broker. */
interface BrokerRef {
  arn: string;
  account: string;
  name: string;
}

/**
 * Who besides the broker can assume a role whose trust policy is `document` (JSON text, or the
 * parsed value). Without a broker, everyone who can assume the role is an opening.
 */
export function analyseTrustPolicy(document: unknown, brokerArn?: string): TrustAnalysis {
  const broker = brokerArn === undefined ? undefined : brokerRef(brokerArn);
  const read = readDocument(document);
  if (typeof read === "string") {
    return {
      ok: false,
      others: [unreadableOpening(-1, read)],
      broker: broker === undefined ? null : {
        arn: broker.arn,
        admitted: false,
        detail: `the trust policy cannot be read (${read})`,
      },
      notes: [],
    };
  }
  const notes: string[] = [];
  const unreadable: Opening[] = [];
  const statements = read.flatMap((raw, index) => {
    const statement = readStatement(raw, index);
    if (typeof statement !== "string") return [statement];
    if ((raw as { Effect?: unknown } | null)?.Effect === "Deny") {
      notes.push(`Deny #${index} cannot be read (${statement}): not counted as closing anything`);
    } else unreadable.push(unreadableOpening(index, statement));
    return [];
  });
  const others = [...unreadable, ...openings(statements, broker, notes)];
  const access = broker === undefined ? null : brokerAccess(statements, broker);
  return { ok: others.length === 0 && (access?.admitted ?? true), others, broker: access, notes };
}

/** An Allow (or the document) that cannot be read: someone unknown may get in. */
function unreadableOpening(index: number, why: string): Opening {
  return {
    index,
    sid: null,
    principal: "?",
    kind: "unknown",
    actions: [...ASSUME_ACTIONS],
    conditions: [],
    why: `${index < 0 ? "the trust policy" : "the statement"} cannot be read (${why}); ` +
      "Sentinel cannot tell who it admits, so it counts as open",
  };
}

function brokerRef(arn: string): BrokerRef {
  const match = ROLE_ARN.exec(arn);
  return { arn, account: match?.[1] ?? "", name: match?.[2] ?? "" };
}

/** The statements of a document, or why it cannot be read. */
function readDocument(document: unknown): unknown[] | string {
  let value = document;
  if (typeof document === "string") {
    try {
      value = JSON.parse(document);
    } catch {
      return "not JSON";
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const statement = (value as Record<string, unknown>).Statement;
  if (statement === undefined) return "no Statement";
  return Array.isArray(statement) ? statement : [statement];
}

/** One statement, or why it cannot be read. */
function readStatement(raw: unknown, index: number): Statement | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not an object";
  const s = raw as Record<string, unknown>;
  if (s.Effect !== "Allow" && s.Effect !== "Deny") return "Effect is neither Allow nor Deny";
  const actions = s.Action !== undefined
    ? coveredActions(s.Action, false)
    : s.NotAction !== undefined
    ? coveredActions(s.NotAction, true)
    : null;
  if (actions === null) return "no Action or NotAction that can be read";
  const conditions = readConditions(s.Condition);
  if (conditions === null) return "a Condition that cannot be read";
  return {
    index,
    sid: typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : null,
    effect: s.Effect,
    principal: s.Principal === undefined ? undefined : readPrincipal(s.Principal),
    notPrincipal: s.NotPrincipal === undefined ? undefined : readPrincipal(s.NotPrincipal),
    actions,
    conditions,
  };
}

/** Which relevant actions `Action` (or, negated, `NotAction`) covers; null when unreadable. */
function coveredActions(value: unknown, negated: boolean): string[] | null {
  const patterns = stringsOf(value);
  if (patterns === null) return null;
  const matches = (action: string) =>
    patterns.some((pattern) => globMatches(pattern.toLowerCase(), action.toLowerCase()));
  return RELEVANT.filter((action) => matches(action) !== negated);
}

function readPrincipal(value: unknown): Ref[] | null {
  if (value === "*") return [{ type: "*", value: "*" }];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const refs: Ref[] = [];
  for (const [type, values] of Object.entries(value)) {
    const list = stringsOf(values);
    if (list === null) return null;
    refs.push(...list.map((v) => ({ type, value: v })));
  }
  return refs;
}

function readConditions(value: unknown): Condition[] | null {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const conditions: Condition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (typeof block !== "object" || block === null || Array.isArray(block)) return null;
    for (const [key, values] of Object.entries(block)) {
      const list = stringsOf(values, true);
      if (list === null) return null;
      conditions.push({ operator, key, values: list });
    }
  }
  return conditions;
}

/** A string or a list of strings (numbers and booleans too, for condition values). */
function stringsOf(value: unknown, scalars = false): string[] | null {
  const list = Array.isArray(value) ? value : [value];
  const ok = (v: unknown) =>
    typeof v === "string" || (scalars && (typeof v === "number" || typeof v === "boolean"));
  return list.length > 0 && list.every(ok) ? list.map(String) : null;
}

/** What one named principal is, relative to the broker. */
function classify(ref: Ref, broker: BrokerRef | undefined): Who {
  const { type, value } = ref;
  if (type === "*") return { kind: "everyone" };
  if (type === "Service") return { kind: "service", name: value };
  if (type === "Federated") return { kind: "federated", name: value };
  if (type === "CanonicalUser") return { kind: "canonical_user", name: value };
  if (type !== "AWS") return { kind: "unknown", text: `${type} ${value}` };
  if (value === "*") return { kind: "everyone" };
  if (/^\d{12}$/.test(value)) return { kind: "account", account: value };
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(value);
  if (root) return { kind: "account", account: root[1] };
  if (broker !== undefined && value === broker.arn) return { kind: "broker" };
  const session = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(value);
  if (broker !== undefined && session?.[1] === broker.account && session[2] === broker.name) {
    return { kind: "broker_session", arn: value };
  }
  if (/^A[A-Z0-9]{15,}$/.test(value)) return { kind: "deleted", id: value };
  const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
  if (!value.startsWith("arn:")) return { kind: "unknown", text: `AWS ${value}` };
  return { kind: "principal", arn: value, account };
}

/** How an opening shows its principal. */
function refText(ref: Ref): string {
  return ref.type === "*" ? "*" : `${ref.type} ${ref.value}`;
}

function isAws(who: Who): boolean {
  return who.kind === "everyone" || who.kind === "account" || who.kind === "principal" ||
    who.kind === "broker" || who.kind === "broker_session";
}

function accountOf(who: Who, broker: BrokerRef | undefined): string | undefined {
  if (who.kind === "account") return who.account;
  if (who.kind === "principal") return who.account;
  if (who.kind === "broker" || who.kind === "broker_session") return broker?.account;
  return undefined;
}

/** The openings of the Allow statements, less what the Deny statements surely close. */
function openings(
  statements: readonly Statement[],
  broker: BrokerRef | undefined,
  notes: string[],
): Opening[] {
  const denies = statements.filter((s) => s.effect === "Deny");
  for (const deny of denies) noteDeny(deny, broker, notes);
  const found: Opening[] = [];
  for (const allow of statements.filter((s) => s.effect === "Allow")) {
    const assume = allow.actions.filter((a) => a !== SET_SOURCE_IDENTITY);
    if (assume.length === 0) continue;
    for (const { ref, who } of allowedPrincipals(allow, broker, notes)) {
      const actions = assume.filter((action) =>
        !denies.some((deny) => closes(deny, who, action, broker))
      );
      if (actions.length === 0) continue;
      found.push({
        index: allow.index,
        sid: allow.sid,
        principal: ref === undefined ? "?" : refText(ref),
        kind: openingKind(who),
        actions,
        conditions: allow.conditions.map(conditionText),
        why: whyOpen(who, allow, broker),
      });
    }
  }
  return found;
}

/**
 * The principals an Allow admits besides the broker (the broker's own are counted by
 * {@link brokerAccess}); a statement without a readable Principal admits an unknown someone.
 */
function allowedPrincipals(
  allow: Statement,
  broker: BrokerRef | undefined,
  notes: string[],
): { ref?: Ref; who: Who }[] {
  if (allow.notPrincipal !== undefined) {
    const except = allow.notPrincipal?.map(refText).join(", ") ?? "?";
    return [{
      ref: { type: "NotPrincipal", value: except },
      who: { kind: "unknown", text: `everyone except ${except}` },
    }];
  }
  if (allow.principal === undefined || allow.principal === null) {
    const text = allow.principal === null ? "a Principal that cannot be read" : "no Principal";
    return [{ who: { kind: "unknown", text } }];
  }
  if (broker !== undefined && onlyBrokerArn(allow, broker)) return [];
  const admitted: { ref: Ref; who: Who }[] = [];
  for (const ref of allow.principal) {
    const who = classify(ref, broker);
    if (who.kind === "broker" || who.kind === "broker_session") continue;
    if (who.kind === "deleted") {
      notes.push(
        `statement ${
          label(allow)
        } names ${who.id}, a unique id IAM shows for a deleted principal: ` +
          "no one can use it; remove it",
      );
      continue;
    }
    admitted.push({ ref, who });
  }
  return admitted;
}

/** The statement requires `aws:PrincipalArn` to be the broker's ARN (and nothing else). */
function onlyBrokerArn(statement: Statement, broker: BrokerRef): boolean {
  return statement.conditions.some((c) =>
    ["StringEquals", "ArnEquals", "StringLike", "ArnLike"].includes(c.operator) &&
    c.key.toLowerCase() === "aws:principalarn" && c.values.length > 0 &&
    c.values.every((v) => v === broker.arn)
  );
}

function openingKind(who: Who): OpeningKind {
  switch (who.kind) {
    case "everyone":
    case "account":
    case "principal":
    case "service":
    case "federated":
    case "canonical_user":
      return who.kind;
    default:
      return "unknown";
  }
}

/** `Sid` (#index), or #index. */
function label(statement: { index: number; sid: string | null }): string {
  return statement.sid === null ? `#${statement.index}` : `${statement.sid} (#${statement.index})`;
}

function conditionText(condition: Condition): string {
  return `${condition.operator} ${condition.key} ${condition.values.join(", ")}`;
}

/** Why `who` gets in through `allow`, with what its conditions do and do not do. */
function whyOpen(who: Who, allow: Statement, broker: BrokerRef | undefined): string {
  return `${whoText(who, broker)}${conditionsText(allow.conditions)}`;
}

function whoText(who: Who, broker: BrokerRef | undefined): string {
  switch (who.kind) {
    case "everyone":
      return "anyone with AWS credentials, in any account";
    case "account":
      return `any principal of account ${who.account} whose own IAM policies allow ` +
        `sts:AssumeRole on this role${
          who.account === broker?.account ? " (the broker's account: the broker among others)" : ""
        }`;
    case "principal":
      return `${who.arn} itself, without the broker`;
    case "service":
      return `the AWS service ${who.name}, for whoever can make it use this role`;
    case "federated":
      return `identities of the provider ${who.name} (AssumeRoleWithWebIdentity or ` +
        "AssumeRoleWithSAML), without the broker";
    case "canonical_user":
      return `the canonical user ${who.name}`;
    case "unknown":
      return `${who.text}: Sentinel cannot tell who that admits, so it counts as open`;
    default:
      return "the broker";
  }
}

/** What an Allow's conditions do: narrow it, never close it. */
function conditionsText(conditions: readonly Condition[]): string {
  if (conditions.length === 0) return "";
  const keys = new Set(conditions.map((c) => c.key.toLowerCase()));
  const parts: string[] = [];
  if (keys.has("sts:sourceidentity")) {
    parts.push(
      "the SourceIdentity is chosen by the caller, so a caller it admits who may call " +
        "sts:SetSourceIdentity can set a Sentinel-shaped one itself",
    );
  }
  if (keys.has("sts:externalid")) {
    parts.push("an ExternalId is a shared value, not proof of who calls");
  }
  const rest = conditions.filter((c) =>
    !["sts:sourceidentity", "sts:externalid"].includes(c.key.toLowerCase())
  );
  if (rest.length > 0) {
    parts.push(`its other conditions (${rest.map((c) => c.key).join(", ")}) are not relied on`);
  }
  return `; its conditions narrow it but do not close it: ${parts.join("; ")}`;
}

/** Notes what a Deny statement is not relied on for. */
function noteDeny(deny: Statement, broker: BrokerRef | undefined, notes: string[]): void {
  if (deny.actions.every((a) => a === SET_SOURCE_IDENTITY)) return;
  if (deny.conditions.length > 0 && principalArnDeny(deny) === undefined) {
    notes.push(
      `Deny ${label(deny)} has conditions (${
        deny.conditions.map((c) => c.key).join(", ")
      }) Sentinel does not evaluate: not counted as closing anything`,
    );
  }
  if (deny.principal === null || deny.notPrincipal === null) {
    notes.push(`Deny ${label(deny)} has a principal that cannot be read: not counted`);
  }
  const refs = deny.notPrincipal ?? [];
  if (
    broker !== undefined &&
    refs.some((ref) => classify(ref, broker).kind === "broker") &&
    !refs.some((ref) => classify(ref, broker).kind === "broker_session")
  ) {
    notes.push(
      `Deny ${label(deny)} exempts the broker role in NotPrincipal but none of its sessions: ` +
        "AWS matches the caller's session ARN against NotPrincipal, so it denies the broker too; " +
        "deny with a Condition on aws:PrincipalArn instead",
    );
  }
}

/** The Deny's one condition when it is a negated match on `aws:PrincipalArn`. */
function principalArnDeny(deny: Statement): Condition | undefined {
  if (deny.conditions.length !== 1) return undefined;
  const [condition] = deny.conditions;
  const operator = condition.operator.replace(/IfExists$/, "");
  const negated = ["StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"];
  return negated.includes(operator) && condition.key.toLowerCase() === "aws:principalarn"
    ? condition
    : undefined;
}

/** Whether `deny` surely refuses every principal of `who` the `action`. */
function closes(deny: Statement, who: Who, action: string, broker: BrokerRef | undefined) {
  if (!deny.actions.includes(action)) return false;
  const arnCondition = principalArnDeny(deny);
  if (deny.conditions.length > 0 && arnCondition === undefined) return false;
  let covered = false;
  if (deny.principal) {
    covered = deny.principal.some((ref) => covers(classify(ref, broker), who, broker));
  } else if (deny.notPrincipal) {
    covered = notPrincipalCovers(deny.notPrincipal, who, broker);
  }
  return covered && (arnCondition === undefined || outsideArns(arnCondition, who, broker));
}

/** Whether a Deny's principal `denied` takes in every principal of `who`. */
function covers(denied: Who, who: Who, broker: BrokerRef | undefined): boolean {
  switch (denied.kind) {
    case "everyone":
      return isAws(who);
    case "account":
      return who.kind !== "everyone" && isAws(who) && accountOf(who, broker) === denied.account;
    case "principal":
      return who.kind === "principal" && who.arn === denied.arn;
    case "broker":
      return who.kind === "broker" || who.kind === "broker_session";
    case "broker_session":
      return who.kind === "broker_session" && who.arn === denied.arn;
    case "service":
    case "federated":
    case "canonical_user":
      return who.kind === denied.kind && who.name.toLowerCase() === denied.name.toLowerCase();
    default:
      return false;
  }
}

/**
 * Whether a Deny with this NotPrincipal takes in every principal of `who`: everyone not listed
 * is denied. A listed account (or `*`) exempts all of it, as far as this analysis goes; a listed
 * role exempts none of its sessions, as AWS evaluates it.
 */
function notPrincipalCovers(listed: readonly Ref[], who: Who, broker: BrokerRef | undefined) {
  const exempt = listed.map((ref) => classify(ref, broker));
  if (exempt.some((e) => e.kind === "everyone")) return false;
  const exemptAccounts = new Set(exempt.flatMap((e) => e.kind === "account" ? [e.account] : []));
  const brokerOnly = exempt.every((e) =>
    e.kind === "broker" || e.kind === "broker_session" || e.kind === "deleted"
  );
  switch (who.kind) {
    case "everyone":
      return brokerOnly;
    case "account":
      return !exemptAccounts.has(who.account) &&
        exempt.every((e) =>
          e.kind === "broker" || e.kind === "broker_session" || e.kind === "deleted" ||
          accountOf(e, broker) !== who.account
        );
    case "principal":
      return !exemptAccounts.has(who.account ?? "") &&
        !exempt.some((e) => e.kind === "principal" && e.arn === who.arn);
    case "broker":
      return !exemptAccounts.has(broker?.account ?? "") &&
        !exempt.some((e) => e.kind === "broker_session");
    case "broker_session":
      return !exemptAccounts.has(broker?.account ?? "") &&
        !exempt.some((e) => e.kind === "broker_session" && e.arn === who.arn);
    default:
      return false;
  }
}

/**
 * Whether every principal of `who` fails the Deny's negated `aws:PrincipalArn` match (so the
 * Deny refuses them): a named principal whose ARN matches none of the values, or — for an
 * account or everyone — values that name the broker only.
 */
function outsideArns(condition: Condition, who: Who, broker: BrokerRef | undefined): boolean {
  const like = /Like/.test(condition.operator);
  const matches = (arn: string) =>
    condition.values.some((value) => like ? globMatches(value, arn) : value === arn);
  switch (who.kind) {
    case "principal":
      return !/:assumed-role\//.test(who.arn) && !matches(who.arn);
    case "everyone":
    case "account":
      return broker !== undefined && condition.values.every((value) => value === broker.arn);
    case "broker":
    case "broker_session":
      return broker !== undefined && !matches(broker.arn);
    default:
      return false;
  }
}

/** How an Allow lets the broker in: by its ARN, or through its account or everyone. */
interface BrokerGrant {
  statement: Statement;
  /** Through its account or `*`: the broker's own IAM policy must allow the call as well. */
  delegated: boolean;
}

/**
 * Whether an Allow admits the broker for `sts:AssumeRole` and `sts:SetSourceIdentity` — by its
 * ARN, or through its account or everyone (then its own IAM policy must allow the calls too) —
 * and no Deny refuses it.
 */
function brokerAccess(statements: readonly Statement[], broker: BrokerRef): BrokerAccess {
  const denies = statements.filter((s) => s.effect === "Deny");
  const granted = new Map<string, BrokerGrant>();
  for (const allow of statements.filter((s) => s.effect === "Allow")) {
    const kinds = (allow.principal ?? []).map((ref) => classify(ref, broker));
    const named = kinds.some((who) => who.kind === "broker");
    const delegated = kinds.some((who) =>
      who.kind === "everyone" || (who.kind === "account" && who.account === broker.account)
    );
    if (!named && !delegated) continue;
    for (const action of allow.actions) {
      if (granted.get(action)?.delegated === false) continue;
      granted.set(action, { statement: allow, delegated: !named });
    }
  }
  const who: Who = { kind: "broker" };
  const denied = [...granted.keys()].flatMap((action) => {
    const deny = denies.find((d) => closes(d, who, action, broker));
    return deny === undefined ? [] : [{ action, deny }];
  });
  for (const { action } of denied) granted.delete(action);
  return {
    arn: broker.arn,
    admitted: granted.has("sts:AssumeRole") && granted.has(SET_SOURCE_IDENTITY),
    detail: brokerDetail(granted, denied),
  };
}

function brokerDetail(
  granted: ReadonlyMap<string, BrokerGrant>,
  denied: readonly { action: string; deny: Statement }[],
): string {
  const assume = granted.get("sts:AssumeRole");
  const stamp = granted.get(SET_SOURCE_IDENTITY);
  const deniedText = denied.length === 0
    ? ""
    : `; Deny ${label(denied[0].deny)} refuses it ${denied.map((d) => d.action).join(", ")}`;
  if (assume === undefined) {
    return `no Allow statement admits the broker role for sts:AssumeRole${deniedText}: ` +
      "the broker cannot assume this role";
  }
  if (stamp === undefined) {
    return `statement ${label(assume.statement)} allows the broker sts:AssumeRole but nothing ` +
      `allows it sts:SetSourceIdentity${deniedText}, which it needs to stamp every session`;
  }
  const conditions = [...new Set([assume.statement, stamp.statement])].flatMap((s) => s.conditions);
  const through = assume.delegated || stamp.delegated
    ? " through its account (or everyone), so the broker's own IAM policy must allow both too"
    : "";
  return `statement ${label(assume.statement)} admits the broker with sts:AssumeRole and ` +
    `sts:SetSourceIdentity${through}${
      conditions.length === 0 ? "" : ` when ${conditions.map(conditionText).join("; ")}`
    }`;
}

/**
 * `sentinel revoke` and the revocations Sentinel makes by itself (issue 21): sessions already
 * issued to a person — or under one approval request or break-glass event — are cut off on each
 * protected role by the role's `SentinelRevocations` inline policy (core/revocation/role_policy.ts).
 *
 * IAM has no conditional write, so two revokers merging into one role's policy at once could each
 * write a document without the other's revocation. Each revocation is therefore first recorded in
 * the store (a conditional create: never lost), and the role's policy is always written from
 * every live record merged into what IAM holds. After a write the revoker reads the policy again
 * and is done only when it reads back exactly what it wrote and that holds every record; any
 * other answer (a later writer's document, or a stale read) means merging and writing again. The
 * last write of all is followed by its writer's check, which sees every record made before it, so
 * none is lost. (A lock in the store was the other way: a holder paused past its lease would still
 * write, and IAM cannot refuse a stale writer.)
 *
 * @module
 */
import type { ApprovalRequest } from "../core/approval/request.ts";
import type { BreakglassEvent } from "../core/breakglass/event.ts";
import { SentinelError } from "../core/errors.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../core/limits.ts";
import { isFileStore } from "../core/store/kinds.ts";
import { displaySafe } from "../core/text/display.ts";
import { commandLine } from "../core/text/advice.ts";
import { formatSourceIdentity, parseSourceIdentity } from "../core/issuance/source_identity.ts";
import {
  revocationExpiry,
  revocationJson,
  revocationLogRecord,
  type RevocationRecord,
  type RevocationScope,
  scopeJson,
} from "../core/revocation/record.ts";
import { SENTINEL_ACTOR } from "../core/approval/transitions.ts";
import {
  cutoffSecond,
  isRevocationPattern,
  type MergedRevocations,
  mergeRevocations,
  parseRevocationDocument,
  REVOCATION_POLICY_NAME,
  type RevocationChange,
  revocationChanges,
  type RevocationDocument,
  revokedPatterns,
} from "../core/revocation/role_policy.ts";
import { lookedIn, storeNamed, type StoreSetting } from "../core/store/location.ts";
import { ROLE_ARN } from "../core/trust_policy.ts";
import type { AwsCall, AwsCredentials, IamPort } from "../ports/aws.ts";
import type { Deps } from "../ports/deps.ts";
import type { Stores } from "../ports/stores.ts";
import { type ActingContext, actingContext, type CallerFlags } from "./acting.ts";
import { callerSettings } from "./caller.ts";
import { profileSettings } from "./issuance/profile_settings.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";
import { notifierOf, reportDelivery } from "./notify.ts";
import { recordDecision } from "./record_decision.ts";
import { revokedRoles } from "./revocation_policy.ts";

/** Whom to revoke. */
export type RevokeTarget =
  | { kind: "user"; user: string; profiles?: readonly string[]; roles?: readonly string[] }
  | { kind: "request"; id: string }
  | { kind: "event"; id: string };

/** What `sentinel revoke` is asked. */
export interface RevokeInput {
  target: RevokeTarget;
  /** Why (at most 500 characters); may be empty. */
  reason: string;
  /** Print what would be written; record and write nothing. */
  dryRun: boolean;
}

/** What became of one role's revocation policy. */
export interface RoleRevocation {
  roleArn: string;
  /** The policy as IAM held it when first read (absent: the role had none). */
  current?: RevocationDocument;
  /** The policy as written (or, in a dry run, as it would be). */
  document: RevocationDocument;
  changes: RevocationChange[];
  /** Characters without whitespace, as IAM counts them. */
  size: number;
  /** Statements dropped because every session they could match has expired. */
  collected: number;
  /** Statements were consolidated into one to stay under IAM's limit. */
  consolidated: boolean;
  /** PutRolePolicy calls made (0 in a dry run, or when the policy already held everything). */
  writes: number;
}

/** A revocation, made or planned. */
export interface RevokeOutcome {
  dryRun: boolean;
  scope: RevocationScope;
  patterns: string[];
  /** Epoch ms: sessions issued before it are cut off. */
  before: number;
  by: string;
  byArn?: string;
  reason: string;
  roles: RoleRevocation[];
  /** The store records (one per role); planned, not stored, in a dry run. */
  records: RevocationRecord[];
  /**
   * The person's name is longer than a stamp keeps: every name that starts with this (the part
   * kept) is cut off too — a stamp cannot tell them apart.
   */
  sharedPrefix?: string;
  store: StoreSetting;
}

/** What a revocation cuts off, resolved against the store. */
export interface RevocationPlan {
  scope: RevocationScope;
  patterns: string[];
  roleArns: string[];
  /** Epoch ms: cut off sessions issued before this (default: now); never later than now. */
  before?: number;
}

const MAX_REASON = 500;

/** `sentinel revoke`: as the verified caller, with their credentials, in their store. */
export async function revoke(
  deps: Deps,
  input: RevokeInput,
  flags: CallerFlags,
): Promise<RevokeOutcome> {
  if (input.reason.length > MAX_REASON) {
    throw new SentinelError(
      "usage",
      `--reason is ${input.reason.length} characters; at most ${MAX_REASON}`,
    );
  }
  const ctx = await actingContext(deps, flags, { creates: true });
  const plan = await planRevocation(deps, ctx.stores, input.target, ctx.store);
  return await applyRevocation(deps, ctx, plan, {
    by: ctx.caller.identity.user,
    byArn: ctx.caller.identity.arn,
    reason: input.reason,
    dryRun: input.dryRun,
    iam: ctx.caller.credentials,
  });
}

/** Who revokes, why, and with which credentials IAM is written. */
export interface RevocationAuthor {
  by: string;
  byArn?: string;
  reason: string;
  dryRun: boolean;
  iam: AwsCredentials;
}

/** Whose sessions on which roles `target` names (a request's or event's from the store). */
export async function planRevocation(
  deps: Deps,
  stores: Stores,
  target: RevokeTarget,
  store: StoreSetting,
): Promise<RevocationPlan> {
  // An id of another shape names nothing; the store is not asked (DynamoDB refuses long keys).
  if (target.kind !== "user" && !/^[0-9a-f]{16,64}$/.test(target.id)) {
    throw notStored(target.kind === "request" ? "request" : "break-glass event", target.id, store);
  }
  if (target.kind === "request") {
    const request = await stores.approvals.get(target.id);
    if (request === undefined) throw notStored("request", target.id, store);
    return requestPlan(request);
  }
  if (target.kind === "event") {
    const event = await stores.breakglass.get(target.id);
    if (event === undefined) throw notStored("break-glass event", target.id, store);
    return eventPlan(event);
  }
  return {
    scope: { kind: "user", user: target.user },
    patterns: revokedPatterns(target.user),
    roleArns: await rolesOf(deps, target),
  };
}

/** A request's sessions: its requester's on its role (the stamp names the decision, not the request). */
export function requestPlan(request: ApprovalRequest): RevocationPlan {
  return {
    scope: { kind: "request", user: request.requester, requestId: request.id },
    patterns: revokedPatterns(request.requester),
    roleArns: [request.roleArn],
  };
}

/** An event's sessions: exactly those stamped with its id. */
export function eventPlan(event: BreakglassEvent): RevocationPlan {
  return {
    scope: { kind: "event", user: event.invoker, eventId: event.id },
    patterns: [formatSourceIdentity(event.invoker, event.id, { breakglass: true })],
    roleArns: [event.roleArn],
  };
}

/** `--role`s and the roles of `--profiles`; neither: the roles of this host's Sentinel profiles. */
async function rolesOf(
  deps: Deps,
  target: { profiles?: readonly string[]; roles?: readonly string[] },
): Promise<string[]> {
  const profiles = target.profiles ?? [];
  if (profiles.length === 0) return await revokedRoles(deps, target.roles);
  const roles = new Set(target.roles?.length ? await revokedRoles(deps, target.roles) : []);
  for (const profile of profiles) {
    roles.add((await profileSettings(deps, profile)).settings.roleArn);
  }
  return [...roles].sort();
}

function notStored(what: string, id: string, store: StoreSetting): SentinelError {
  const { where, elsewhere } = lookedIn(store);
  const list = what === "request" ? "sentinel requests" : "sentinel breakglass list";
  return new SentinelError(
    "not_found",
    `no ${what} ${
      JSON.stringify(id.slice(0, 64))
    } in ${where}; check the id (\`${list}\`)${elsewhere}`,
  );
}

/**
 * Records the revocation of `plan` (one store record per role), writes each role's policy from
 * every live record, then logs it, keeps it on this host (so no cached session it covers is
 * handed out) and announces it (`credential_revoked`). A dry run reads only.
 */
export async function applyRevocation(
  deps: Deps,
  ctx: Pick<ActingContext, "stores" | "store" | "logFile" | "plugins" | "caller">,
  plan: RevocationPlan,
  author: RevocationAuthor,
): Promise<RevokeOutcome> {
  const times = await revocationTimes(deps, ctx);
  const records = plannedRecords(deps, plan, author, times.cutoff);
  const writer = new RolePolicies(deps, await iamPort(deps), ctx, author.iam, times);
  const stamp = parseSourceIdentity(formatSourceIdentity(plan.scope.user, "0".repeat(16), {
    breakglass: true,
  }));
  const outcome: RevokeOutcome = {
    dryRun: author.dryRun,
    scope: plan.scope,
    patterns: plan.patterns,
    ...(stamp?.truncated ? { sharedPrefix: stamp.user } : {}),
    before: records[0]?.before ?? times.cutoff,
    by: author.by,
    ...(author.byArn === undefined ? {} : { byArn: author.byArn }),
    reason: author.reason,
    roles: [],
    records,
    store: ctx.store,
  };
  // Refused before anything is recorded: a role of another account (IAM calls act in the
  // writer's own account, so its same-named role would be written instead), a role policy
  // Sentinel does not own or cannot read, a revocation that would not fit.
  await refuseOtherAccounts(deps, ctx, author.iam, plan.roleArns);
  const previews = [];
  for (const record of records) previews.push(await writer.preview(record));
  if (author.dryRun) return { ...outcome, roles: previews };
  for (const record of records) await ctx.stores.revocations.record(record);
  const failures: { record: RevocationRecord; error: unknown }[] = [];
  for (const record of records) {
    try {
      outcome.roles.push(await writer.write(record.roleArn));
    } catch (error) {
      failures.push({ record, error });
    }
  }
  const written = {
    ...outcome,
    records: records.filter((r) => !failures.some((f) => f.record === r)),
  };
  if (written.records.length > 0) await announce(deps, ctx, written, times.cutoff);
  if (failures.length === 0) return outcome;
  const error = unwritten(failures, ctx.store);
  await logFailure(deps, ctx, { ...plan, roleArns: failures.map((f) => f.record.roleArn) }, {
    reason: author.reason,
    by: author.by,
    why: (error as Error)?.message ?? String(error),
  });
  throw error;
}

/** The instants a revocation is made with (epoch ms). */
interface RevocationTimes {
  /** The later of this machine's clock and the store's: the cutoff, and the latest a record may be. */
  cutoff: number;
  /** The earlier one: what has expired by it may be dropped. */
  collect: number;
}

/**
 * IAM compares a session's issue time, stamped by AWS, with the cutoff: a revoker whose clock runs
 * behind would spare the sessions of its lag, so the later of this machine's clock and the store's
 * makes the cutoff — DynamoDB's is AWS's, told to the second, so its upper bound is taken. A clock
 * far ahead of AWS's is not believed (it would deny sessions not yet issued): AWS's is used.
 * What has expired is judged by the earlier clock, so a clock ahead drops nothing still needed.
 */
async function revocationTimes(
  deps: Deps,
  ctx: Pick<ActingContext, "stores" | "store">,
): Promise<RevocationTimes> {
  const local = deps.clock.now();
  const store = await ctx.stores.clock();
  if (isFileStore(ctx.store)) {
    return { cutoff: Math.max(local, store), collect: Math.min(local, store) };
  }
  const aws = store + 999;
  const believed = local <= aws + MAX_CLOCK_SKEW_SECONDS * 1000;
  if (!believed) {
    deps.warn(
      `this machine's clock (${new Date(local).toISOString()}) is ahead of AWS's (${
        new Date(store).toISOString()
      }); the revocation cuts off at AWS's time. Fix the clock (NTP, \`timedatectl\`)`,
    );
  }
  return { cutoff: believed ? Math.max(local, aws) : aws, collect: Math.min(local, store) };
}

/** One record per role of `plan`, cut off at `now` (or the plan's earlier instant). */
function plannedRecords(
  deps: Deps,
  plan: RevocationPlan,
  author: RevocationAuthor,
  now: number,
): RevocationRecord[] {
  const before = cutoffSecond(Math.min(plan.before ?? now, now));
  return plan.roleArns.map((roleArn) => ({
    id: deps.ids.newId(),
    roleArn,
    patterns: plan.patterns,
    before,
    by: author.by,
    scope: plan.scope,
    reason: author.reason,
    createdAt: now,
    expiresAt: revocationExpiry(before),
  }));
}

/**
 * Keeps the revocation on this host first (so no cached session it covers is handed out, even if
 * what follows fails), then logs it and tells the notifiers.
 */
async function announce(
  deps: Deps,
  ctx: Pick<ActingContext, "logFile" | "plugins">,
  outcome: RevokeOutcome,
  now: number,
): Promise<void> {
  await deps.cache.addRevocations(
    outcome.records.map(({ id, roleArn, patterns, before, expiresAt }) => ({
      id,
      roleArn,
      patterns,
      before,
      expiresAt,
    })),
    now,
  );
  const summary = {
    scope: outcome.scope,
    records: outcome.records,
    ...(outcome.byArn === undefined ? {} : { actorArn: outcome.byArn }),
  };
  await recordDecision(deps, revocationLogRecord(summary, now), ctx);
  const report = await notifierOf(deps, ctx.plugins).notify(
    "credential_revoked",
    revocationJson(summary),
  );
  reportDelivery(deps, "the revocation notice", report);
}

/** How many read-merge-write rounds a writer makes before it gives up on a busy role. */
const MAX_ROUNDS = 30;

/** Reads and writes the revocation policies of roles, from the store's live records. */
class RolePolicies {
  readonly #deps: Deps;
  readonly #iam: IamPort;
  readonly #ctx: Pick<ActingContext, "stores" | "store" | "caller">;
  readonly #credentials: AwsCredentials;
  readonly #times: RevocationTimes;

  constructor(
    deps: Deps,
    iam: IamPort,
    ctx: Pick<ActingContext, "stores" | "store" | "caller">,
    credentials: AwsCredentials,
    times: RevocationTimes,
  ) {
    this.#deps = deps;
    this.#iam = iam;
    this.#ctx = ctx;
    this.#credentials = credentials;
    this.#times = times;
  }

  #call(): AwsCall {
    return { region: this.#ctx.caller.settings.region, signal: this.#ctx.caller.signal };
  }

  /** The role's policy as IAM holds it (refusing one Sentinel did not write). */
  async read(roleArn: string): Promise<RevocationDocument | undefined> {
    const text = await this.#iam.getRolePolicy(
      this.#credentials,
      this.#call(),
      roleName(roleArn),
      REVOCATION_POLICY_NAME,
    );
    return text === undefined ? undefined : parsed(text, roleArn);
  }

  /**
   * The role's live records that Sentinel would have made. Anyone who can write the store could
   * plant one that denies everyone (a wildcard pattern) or for good (a cutoff in the future):
   * such a record is reported and never written to IAM.
   */
  async #live(roleArn: string): Promise<RevocationRecord[]> {
    const { collect, cutoff } = this.#times;
    const { items, damaged } = await this.#ctx.stores.revocations.liveFor(roleArn, collect);
    const usable = items.filter((record) => {
      const why = unusableWhy(record, cutoff);
      if (why !== undefined) {
        damaged.push({ id: record.id, why, where: storeNamed(this.#ctx.store) });
      }
      return why === undefined;
    });
    for (const record of damaged) {
      this.#deps.warn(
        displaySafe(
          `revocation ${record.id} in ${record.where} is not used (${record.why}); it is not written to the policy of ${roleArn}`,
        ),
      );
    }
    return usable;
  }

  /** What writing `record` would do to its role's policy. */
  async preview(record: RevocationRecord): Promise<RoleRevocation> {
    const now = this.#times.collect;
    const current = await this.read(record.roleArn);
    const live = await this.#live(record.roleArn);
    return roleRevocation(
      record.roleArn,
      current,
      mergeRevocations(current, [...live, record], now),
      0,
    );
  }

  /** Writes the role's policy until it reads back exactly what was written, holding every record. */
  async write(roleArn: string): Promise<RoleRevocation> {
    const now = this.#times.collect;
    let first: { current?: RevocationDocument; merged: MergedRevocations } | undefined;
    let written: string | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.read(roleArn);
      const merged = mergeRevocations(current, await this.#live(roleArn), now);
      // What was collected or consolidated shows in the first merge; later ones start from it.
      first ??= { ...(current === undefined ? {} : { current }), merged };
      const wanted = JSON.stringify(merged.document);
      const held = current && JSON.stringify(mergeRevocations(current, [], now).document);
      if (held === wanted && (written === undefined || written === wanted)) {
        return {
          ...roleRevocation(roleArn, first.current, merged, round),
          collected: first.merged.collected,
          consolidated: first.merged.consolidated,
        };
      }
      await this.#iam.putRolePolicy(
        this.#credentials,
        this.#call(),
        roleName(roleArn),
        REVOCATION_POLICY_NAME,
        wanted,
      );
      written = wanted;
      // Writers racing on one role drift apart, so each soon reads back its own document.
      await this.#deps.clock.sleep(50 + jitter(this.#deps) * Math.min(round + 1, 5));
    }
    throw new SentinelError(
      "conflict",
      `the revocation policy of ${roleArn} kept changing under ${MAX_ROUNDS} writes`,
    );
  }
}

/** Every role must be of the account of the credentials that write IAM. */
async function refuseOtherAccounts(
  deps: Deps,
  ctx: Pick<ActingContext, "caller">,
  credentials: AwsCredentials,
  roleArns: readonly string[],
): Promise<void> {
  const call = { region: ctx.caller.settings.region, signal: ctx.caller.signal };
  const writer = await verifiedIdentity(deps, credentials, call);
  const others = roleArns.filter((arn) => ROLE_ARN.exec(arn)?.[1] !== writer.account);
  if (others.length === 0) return;
  throw new SentinelError(
    "revocation_other_account",
    `${others.join(", ")} ${
      others.length === 1 ? "is" : "are"
    } not in account ${writer.account} of the credentials that write IAM (${writer.arn}); IAM writes a role policy in the writer's own account, so nothing was recorded or written. Revoke with credentials of the role's account (--aws-profile), or name only this account's roles (--profiles, --role)`,
  );
}

/** Why a stored revocation is not one Sentinel makes, or `undefined` when it is. */
function unusableWhy(record: RevocationRecord, now: number): string | undefined {
  const skew = MAX_CLOCK_SKEW_SECONDS * 1000;
  const odd = record.patterns.find((pattern) => !isRevocationPattern(pattern));
  if (odd !== undefined) {
    return `its pattern ${JSON.stringify(odd.slice(0, 80))} is not one Sentinel makes`;
  }
  if (record.before > Math.min(record.createdAt, now) + skew) {
    return "its cutoff is later than when it was made";
  }
  if (record.expiresAt !== revocationExpiry(record.before)) {
    return "it does not expire 12 h after its cutoff";
  }
  return undefined;
}

/**
 * The roles whose policy could not be written, though their revocations are recorded (the
 * others were written, logged and announced).
 */
function unwritten(
  failures: readonly { record: RevocationRecord; error: unknown }[],
  store: StoreSetting,
): unknown {
  const [first] = failures;
  if (!(first.error instanceof SentinelError)) return first.error;
  const roles = failures.map((f) => f.record.roleArn).join(", ");
  const others = failures.slice(1).map((f) => `${f.record.roleArn}: ${(f.error as Error).message}`);
  return new SentinelError(
    first.error.code,
    `${first.error.message}. The revocation is recorded in ${storeNamed(store)} but ${roles} ${
      failures.length === 1 ? "does" : "do"
    } not carry it yet: fix that and run the same \`sentinel revoke\` again (any revocation of a role writes every one recorded for it)${
      others.length === 0 ? "" : `; also: ${others.join("; ")}`
    }`,
    { details: [...first.error.details, LOGGED], cause: first.error },
  );
}

/** 0–99 ms, drawn from the id source (the one source of randomness use cases have). */
function jitter(deps: Deps): number {
  return parseInt(deps.ids.newId().slice(0, 4), 16) % 100;
}

function roleRevocation(
  roleArn: string,
  current: RevocationDocument | undefined,
  merged: ReturnType<typeof mergeRevocations>,
  writes: number,
): RoleRevocation {
  return {
    roleArn,
    ...(current === undefined ? {} : { current }),
    document: merged.document,
    changes: revocationChanges(current, merged.document),
    size: merged.size,
    collected: merged.collected,
    consolidated: merged.consolidated,
    writes,
  };
}

function parsed(text: string, roleArn: string): RevocationDocument {
  const document = parseRevocationDocument(text);
  if (document.ok) return document.document;
  throw new SentinelError(
    "revocation_unreadable",
    `the inline policy ${REVOCATION_POLICY_NAME} of ${roleArn} is not one Sentinel wrote (${document.why}), so Sentinel does not overwrite it; rename that policy (it is Sentinel's name) and revoke again`,
  );
}

function roleName(roleArn: string): string {
  const name = ROLE_ARN.exec(roleArn)?.[2];
  if (name !== undefined) return name;
  throw new SentinelError("usage", `"${roleArn.slice(0, 100)}" is not an IAM role ARN`);
}

async function iamPort(deps: Deps): Promise<IamPort> {
  const { iam } = await deps.aws();
  if (iam !== undefined) return iam;
  throw new SentinelError("internal_error", "this build's AWS transport has no IAM client");
}

/**
 * Sentinel revoking by itself (a break-glass close, an approval window's end, `policy push
 * --revoke`), as `sentinel`: a broker writes IAM with its own credentials; in local mode the
 * `revoker_profile` setting names an administrator's profile, else the acting person's own
 * credentials are used. The step that asked for it has happened already, so a failure is
 * logged and reported with the command that finishes the job — never thrown.
 */
export async function revokeAutomatically(
  deps: Deps,
  ctx: ActingContext,
  plan: RevocationPlan,
  reason: string,
): Promise<RevokeOutcome | undefined> {
  try {
    return await applyRevocation(deps, ctx, plan, {
      by: SENTINEL_ACTOR,
      reason,
      dryRun: false,
      iam: await revokerCredentials(deps, ctx),
    });
  } catch (error) {
    const why = (error as Error)?.message ?? String(error);
    // A write that failed after recording was logged already, by applyRevocation.
    if (!(error instanceof SentinelError && error.details.includes(LOGGED))) {
      await logFailure(deps, ctx, plan, { reason, by: SENTINEL_ACTOR, why });
    }
    deps.warn(displaySafe(
      `could not revoke ${plan.scope.user}'s sessions on ${
        plan.roleArns.join(", ")
      } (${why}); those not written stay valid until they expire. Finish it with: ${
        finishCommand(plan)
      } --aws-profile <a profile allowed iam:PutRolePolicy on the role>`,
    ));
    return undefined;
  }
}

/** Marks an error whose revocation failure is in the decision log already. */
const LOGGED = "the failure is in the decision log (type revocation, action failed)";

/** The decision-log record of a revocation that is not (wholly) in force. */
async function logFailure(
  deps: Deps,
  ctx: Pick<ActingContext, "logFile" | "plugins">,
  plan: RevocationPlan,
  what: { reason: string; by: string; why: string },
): Promise<void> {
  await recordDecision(deps, {
    type: "revocation",
    action: "failed",
    time: new Date(deps.clock.now()).toISOString(),
    actor: what.by,
    ...scopeJson(plan.scope),
    role_arns: plan.roleArns,
    reason: what.reason,
    failure: what.why,
  }, ctx).catch((error) => deps.warn(`the failure could not be logged: ${error?.message}`));
}

/** The `sentinel revoke` that makes the same revocation, quoted for a shell. */
function finishCommand(plan: RevocationPlan): string {
  const { scope } = plan;
  const words = scope.kind === "event"
    ? ["--event", scope.eventId]
    : scope.kind === "request"
    ? ["--request", scope.requestId]
    : ["--user", scope.user, ...plan.roleArns.flatMap((role) => ["--role", role])];
  return commandLine(["sentinel", "revoke", ...words]);
}

/** The credentials Sentinel writes IAM with when it revokes by itself (see above). */
async function revokerCredentials(deps: Deps, ctx: ActingContext): Promise<AwsCredentials> {
  const profile = ctx.caller.settings.resolved.revoker_profile;
  if (ctx.store.broker !== undefined || profile.value === undefined) return ctx.caller.credentials;
  deps.debug(`revoking with the profile ${profile.value} (revoker_profile, ${profile.from})`);
  const settings = await callerSettings(deps, { profile: profile.value });
  return (await (await deps.baseCredentials()).get(settings.base, ctx.caller.signal)).credentials;
}

/**
 * Writes each role's policy from its live records where IAM does not hold them all: a revocation
 * recorded but not written (IAM refused, its revoker gave up), or erased by a write that landed
 * late. Roles with no live record are not read; roles of another account than the writer's are
 * skipped (IAM would write the writer's same-named role). Returns the roles rewritten; a role that
 * fails is reported and tried again next time.
 */
export async function repairRevocations(
  deps: Deps,
  ctx: ActingContext,
  roleArns: readonly string[],
): Promise<string[]> {
  const credentials = await revokerCredentials(deps, ctx);
  const times = await revocationTimes(deps, ctx);
  const writer = new RolePolicies(deps, await iamPort(deps), ctx, credentials, times);
  const call = { region: ctx.caller.settings.region, signal: ctx.caller.signal };
  const account = (await verifiedIdentity(deps, credentials, call)).account;
  const rewritten: string[] = [];
  for (const roleArn of roleArns) {
    if (ROLE_ARN.exec(roleArn)?.[1] !== account) continue;
    try {
      const { items } = await ctx.stores.revocations.liveFor(roleArn, times.collect);
      if (items.length > 0 && (await writer.write(roleArn)).writes > 0) rewritten.push(roleArn);
    } catch (error) {
      if (!(error instanceof SentinelError)) throw error;
      deps.warn(`the revocations of ${roleArn} could not be checked: ${error.message}`);
    }
  }
  return rewritten;
}

/**
 * Approvals and break-glass in broker mode, the client's half (DESIGN §15): when the caller's
 * settings name a broker (`sentinel_server`, `SENTINEL_SERVER`, the config file's `server`,
 * `--server`), `request`, `requests`, `approve`, `deny`, `cancel` and `breakglass` go to it with a
 * caller proof signed by the person's base credentials, and come back as the same outcomes the
 * local use cases return — so the commands print the same text and JSON and exit the same way.
 * The store is the broker's: nobody else opens it, so `--store` has no meaning here.
 *
 * @module
 */
import { isRoleArn } from "../core/trust_policy.ts";
import {
  BROKER_PATHS,
  type CreatedAnswer,
  type InvokedAnswer,
  type PageAnswer,
  type RecordAnswer,
  type ReportAnswer,
  type SweepAnswer,
} from "../core/broker/api.ts";
import type { ApprovalRequest } from "../core/approval/request.ts";
import type { BreakglassEvent } from "../core/breakglass/event.ts";
import { SentinelError } from "../core/errors.ts";
import { parseApprovalRequest, parseBreakglassEvent } from "../core/store/records.ts";
import type { StoredRecord } from "../core/store/records.ts";
import { storeKindNamed } from "../core/store/kinds.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { Owner } from "../core/text/advice.ts";
import type { Deps } from "../ports/deps.ts";
import type { NotifyReport } from "../ports/notifier.ts";
import type { Page } from "../ports/stores.ts";
import { reportDelivery } from "./notify.ts";
import { type CallerFlags, storeWithoutCaller } from "./acting.ts";
import type {
  AccessRequestInput,
  AccessRequestOutcome,
  ActionOutcome,
  ListInput,
  RequestAction,
} from "./approvals.ts";
import type { EventAction, EventListInput, Invocation, InvokeInput } from "./breakglass.ts";
import { callerSettings } from "./caller.ts";
import {
  type BrokerProfile,
  profileRoute,
  type ProfileSettings,
  profileSettings,
} from "./issuance/profile_settings.ts";
import {
  type BrokerSession,
  brokerSession,
  type BrokerTarget,
  notBroker,
  profileBroker,
  provenCall,
} from "./issuance/through_broker.ts";

/** The refusal of `--store` where the store is a broker's. */
function storeFlagRefused(server: string, from: string): SentinelError {
  return new SentinelError(
    "usage",
    `--store names a store, but these commands go to the broker ${server} (${from}), which keeps its own; drop --store (or, to use a local store, unset the server setting there)`,
  );
}

/**
 * The broker the caller's settings send record commands to, or `undefined` (local mode). Read
 * without verifying the caller, so a local SQLite store still needs no AWS access to list.
 */
export async function callerBroker(
  deps: Deps,
  flags: CallerFlags,
): Promise<BrokerTarget | undefined> {
  if (flags.acting !== undefined) return undefined;
  const { server, serverCa } = await storeWithoutCaller(deps, flags);
  if (server.value === undefined) return undefined;
  const from = server.from ?? "the server setting";
  if (flags.store !== undefined) throw storeFlagRefused(server.value, from);
  const settings = await callerSettings(deps, flags);
  return {
    server: server.value,
    serverFrom: from,
    serverCa,
    timeoutSeconds: settings.timeoutSeconds,
    base: settings.base,
    ...(settings.profile === undefined || settings.base.source === "env"
      ? {}
      : { awsProfile: settings.base.sourceProfile ?? settings.profile }),
  };
}

/**
 * Where a request or a break-glass invocation for a profile is decided: at the broker its
 * settings name, or here with its settings — always here for a call a broker runs itself
 * (`caller`, the identity its proof named).
 */
export async function askingRoute(
  deps: Deps,
  input: { profile: string; store?: string; caller?: unknown },
): Promise<{ broker: BrokerRecords } | { local: ProfileSettings }> {
  const flags = { store: input.store };
  if (input.caller !== undefined) {
    return { local: await profileSettings(deps, input.profile, flags) };
  }
  const route = await profileRoute(deps, input.profile, flags);
  if (route.mode === "local") return { local: route };
  return { broker: await BrokerRecords.forProfile(deps, route, input.store) };
}

/** The broker the caller's settings name, reached; `undefined` in local mode. */
export async function brokerRecords(
  deps: Deps,
  flags: CallerFlags,
): Promise<BrokerRecords | undefined> {
  const target = await callerBroker(deps, flags);
  return target === undefined ? undefined : await BrokerRecords.open(deps, target);
}

/** A broker reached as one person: every call carries a fresh proof and a fresh deadline. */
export class BrokerRecords {
  readonly #deps: Deps;
  readonly #session: BrokerSession;
  readonly #timeoutSeconds: number;
  /** The profile whose base credentials sign the proofs, for printed advice. */
  readonly #awsProfile?: string;

  private constructor(deps: Deps, session: BrokerSession, target: BrokerTarget) {
    this.#deps = deps;
    this.#session = session;
    this.#timeoutSeconds = target.timeoutSeconds;
    this.#awsProfile = target.awsProfile;
  }

  /** Reaches the broker of `target` (its health, the base credentials). */
  static async open(deps: Deps, target: BrokerTarget): Promise<BrokerRecords> {
    return new BrokerRecords(deps, await brokerSession(deps, target), target);
  }

  /** Reaches the broker a broker profile names, as that profile's base credentials. */
  static async forProfile(deps: Deps, profile: BrokerProfile, store?: string) {
    const target = profileBroker(profile);
    if (store !== undefined) throw storeFlagRefused(target.server, target.serverFrom);
    const { settings } = profile;
    const awsProfile = settings.source === "env" ? undefined : settings.sourceProfile;
    return await BrokerRecords.open(deps, { ...target, awsProfile });
  }

  async #call<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const session = { ...this.#session, signal: AbortSignal.timeout(this.#timeoutSeconds * 1000) };
    const text = await provenCall(session, path, body);
    try {
      const value = JSON.parse(text);
      if (typeof value === "object" && value !== null && typeof value.store === "string") {
        return value as T;
      }
    } catch { /* below */ }
    throw notBroker(
      this.#session.server,
      `its answer to ${path} is not in the shape Sentinel sends`,
    );
  }

  /** The broker's store as the answers name it (its kind), reached through the broker. */
  #store(answer: { store: string }): StoreSetting {
    const kind = storeKindNamed(answer.store);
    if (kind === undefined) {
      throw notBroker(this.#session.server, "it names a store Sentinel does not know");
    }
    const server = this.#session.server;
    return { kind, name: server, text: `${kind}@${server}`, broker: server } as StoreSetting;
  }

  #owner(answer: { store: string }): Owner {
    return {
      ...(this.#awsProfile === undefined ? {} : { awsProfile: this.#awsProfile }),
      store: this.#store(answer),
    };
  }

  #record<T>(parse: (value: unknown) => StoredRecord<T>, value: unknown): T {
    const read = parse(value);
    if (read.ok) return read.record;
    throw notBroker(this.#session.server, `a record it sent is not one (${read.why})`);
  }

  /** A request the broker sent; with `id`, the one asked about (never another's record). */
  #request(value: unknown, id?: string): ApprovalRequest {
    return this.#asked(this.#record(parseApprovalRequest, value), id);
  }

  #event(value: unknown, id?: string): BreakglassEvent {
    return this.#asked(this.#record(parseBreakglassEvent, value), id);
  }

  #asked<R extends { id: string }>(record: R, id: string | undefined): R {
    if (id === undefined || record.id === id) return record;
    throw notBroker(this.#session.server, `it answered about ${record.id} when asked about ${id}`);
  }

  /** The notifiers' report, with a warning for each that failed, as local mode gives. */
  #reported(what: string, answer: ReportAnswer | undefined): NotifyReport {
    const report = notifyReport(answer);
    reportDelivery(this.#deps, what, report);
    return report;
  }

  #page<T>(answer: PageAnswer, parse: (value: unknown) => T): Page<T> & { store: StoreSetting } {
    if (!Array.isArray(answer.items)) throw notBroker(this.#session.server, "a page without items");
    const damaged = Array.isArray(answer.damaged)
      ? answer.damaged.filter(isObject).map(({ id, why }) => ({
        id: String(id),
        why: String(why),
        where: `the store of the broker ${this.#session.server}`,
      }))
      : undefined;
    return {
      items: answer.items.map(parse),
      ...(typeof answer.next === "string" ? { next: answer.next } : {}),
      ...(damaged === undefined ? {} : { damaged }),
      store: this.#store(answer),
    };
  }

  /** `sentinel request` at the broker. */
  async createRequest(input: AccessRequestInput): Promise<AccessRequestOutcome> {
    const answer = await this.#call<CreatedAnswer>(BROKER_PATHS.createRequest, {
      profile: input.profile,
      reason: input.reason,
      ...(input.durationSeconds === undefined ? {} : { duration_seconds: input.durationSeconds }),
      ...(input.anyway ? { anyway: true } : {}),
    });
    if (answer.kind === "not_needed") return { kind: "not_needed", rule: answer.rule ?? null };
    if (answer.kind === "already_approved") {
      return {
        kind: "already_approved",
        request: this.#request(answer.request),
        windowEndsAt: Number(answer.window_ends_at),
      };
    }
    const request = this.#request(answer.request);
    if (request.profile !== input.profile) {
      throw notBroker(this.#session.server, `it made a request for ${request.profile}`);
    }
    return {
      kind: "created",
      request,
      approvers: Array.isArray(answer.approvers) ? answer.approvers.map(String) : [],
      report: this.#reported(`the request for ${request.profile}`, answer.report),
      owner: this.#owner(answer),
      read: this.#following(request),
    };
  }

  /**
   * Reads `request` again while its requester waits; a broker that is busy, rate-limits or cannot
   * be reached for a moment leaves it as last read (the wait goes on), anything else ends it.
   */
  #following(request: ApprovalRequest): () => Promise<ApprovalRequest> {
    let last = request;
    return async () => {
      try {
        last = (await this.showRequest(request.id)).request;
      } catch (error) {
        const passing = ["broker_busy", "broker_rate_limited", "broker_unreachable"];
        if (!(error instanceof SentinelError) || !passing.includes(error.code)) throw error;
        this.#deps.debug(`waiting for ${request.id}: ${error.message}; trying again`);
      }
      return last;
    };
  }

  async listRequests(input: ListInput) {
    const answer = await this.#call<PageAnswer>(BROKER_PATHS.listRequests, { ...input });
    return this.#page(answer, (value) => this.#request(value));
  }

  async showRequest(id: string) {
    const answer = await this.#call<RecordAnswer>(BROKER_PATHS.showRequest, { id });
    return { request: this.#request(answer.record, id), store: this.#store(answer) };
  }

  async decide(id: string, action: RequestAction): Promise<ActionOutcome> {
    const answer = await this.#call<RecordAnswer>(BROKER_PATHS.decideRequest, {
      id,
      action: action.kind,
      ...(action.kind !== "cancel" && action.comment !== undefined
        ? { comment: action.comment }
        : {}),
    });
    const request = this.#request(answer.record, id);
    return {
      request,
      actor: String(answer.actor),
      report: this.#reported(`the ${request.status} notice`, answer.report),
      store: this.#store(answer),
    };
  }

  async sweep() {
    const answer = await this.#call<SweepAnswer>(BROKER_PATHS.sweepRequests, {});
    return { expired: Number(answer.expired), store: this.#store(answer) };
  }

  /** `sentinel breakglass <profile>` at the broker. */
  async invoke(input: InvokeInput): Promise<Invocation> {
    const answer = await this.#call<InvokedAnswer>(BROKER_PATHS.invokeBreakglass, {
      profile: input.profile,
      reason_code: input.reasonCode,
      justification: input.justification,
      ...(input.durationSeconds === undefined ? {} : { duration_seconds: input.durationSeconds }),
    });
    const event = this.#event(answer.record);
    if (event.profile !== input.profile) {
      throw notBroker(this.#session.server, `it opened break-glass for ${event.profile}`);
    }
    return {
      event,
      report: this.#reported(`the break-glass blast for ${event.profile}`, answer.report),
      escalated: answer.escalated === true,
      ...(answer.resumed === true ? { resumed: true as const } : {}),
      owner: this.#owner(answer),
    };
  }

  async listEvents(input: EventListInput) {
    const answer = await this.#call<PageAnswer>(BROKER_PATHS.listEvents, { ...input });
    return this.#page(answer, (value) => this.#event(value));
  }

  async showEvent(id: string) {
    const answer = await this.#call<RecordAnswer>(BROKER_PATHS.showEvent, { id });
    return { event: this.#event(answer.record, id), store: this.#store(answer) };
  }

  async actOnEvent(id: string, action: EventAction) {
    const answer = await this.#call<RecordAnswer>(BROKER_PATHS.actOnEvent, {
      id,
      action: action.kind,
      text: action.kind === "close" ? action.reason : action.notes,
    });
    const revoked = answer.revoked;
    const told = isObject(revoked) && Number.isSafeInteger(revoked.before) &&
      Array.isArray(revoked.role_arns) && revoked.role_arns.every(isRoleArn);
    return {
      event: this.#event(answer.record, id),
      actor: String(answer.actor),
      store: this.#store(answer),
      ...(told ? { revoked: { before: revoked.before, roleArns: revoked.role_arns } } : {}),
    };
  }
}

/** Who heard of it, as the broker told; why a notifier failed is in the broker's log. */
function notifyReport(answer: ReportAnswer | undefined): NotifyReport {
  const failed = Array.isArray(answer?.failed)
    ? answer.failed.filter(isObject).map(({ name, required }) => ({
      name: String(name),
      required: required === true,
      error: "see the broker's log",
    }))
    : [];
  return {
    delivered: Array.isArray(answer?.delivered) ? answer.delivered.map(String) : [],
    failed,
    requiredFailed: failed.some((failure) => failure.required),
  };
}

function isObject<T>(value: T): value is T & object {
  return typeof value === "object" && value !== null;
}

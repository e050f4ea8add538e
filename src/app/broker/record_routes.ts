/**
 * The broker's answers to the calls on approval requests and break-glass events (DESIGN §15):
 * the same use cases as the CLI's (app/approvals.ts, app/breakglass.ts), run with the broker's
 * store, decision log, plugins and AWS access, and with the caller its proof named — never a name
 * the call carries. So only the broker's principal writes the store, the policy in force at the
 * broker judges every approver and reviewer, and notifications go out from here.
 *
 * Reading is for the broker's accounts — its own and those of the roles it serves: any AWS
 * principal anywhere can prove who it is, so a caller of another account sees only its own records
 * (by id), never a list, and learns nothing from a refusal.
 *
 * @module
 */
import type {
  CreatedAnswer,
  InvokedAnswer,
  PageAnswer,
  RecordAnswer,
  ReportAnswer,
  SweepAnswer,
} from "../../core/broker/api.ts";
import { BROKER_PATHS } from "../../core/broker/api.ts";
import type { ProvenCaller } from "../../core/broker/caller_proof.ts";
import {
  parseCreateRequestCall,
  type Parsed,
  parseDecideCall,
  parseEventActCall,
  parseInvokeCall,
  parseListEventsCall,
  parseListRequestsCall,
  parseShowCall,
  parseSweepCall,
} from "../../core/broker/record_calls.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import type { Identity } from "../../core/identity.ts";
import { behindBroker } from "../../core/store/location.ts";
import type { Deps } from "../../ports/deps.ts";
import type { NotifyReport } from "../../ports/notifier.ts";
import type { Page } from "../../ports/stores.ts";
import type { ActingContext, CallerFlags } from "../acting.ts";
import {
  actOnRequest,
  listRequests,
  requestAccess,
  showRequest,
  sweepRequests,
} from "../approvals.ts";
import { actOnEvent, invokeBreakglass, listEvents, showEvent } from "../breakglass.ts";
import { callerIdentity } from "./caller.ts";
import { servedProfile } from "./served_profile.ts";
import type { BrokerSetup } from "./setup.ts";

/** Proves the call's caller (after its body was read: a bad body costs no STS call). */
export type Prove = () => Promise<ProvenCaller>;

/** One record route: the call's body, and how to prove its caller. */
export type RecordRoute = (body: string, prove: Prove) => Promise<unknown>;

/** The record routes of a broker, by path. */
export function recordRoutes(deps: Deps, setup: BrokerSetup): Record<string, RecordRoute> {
  const at = new BrokerActing(deps, setup);
  const paths = BROKER_PATHS;
  return {
    [paths.createRequest]: (body, prove) => at.createRequest(body, prove),
    [paths.listRequests]: (body, prove) => at.listRequests(body, prove),
    [paths.showRequest]: (body, prove) => at.showRequest(body, prove),
    [paths.decideRequest]: (body, prove) => at.decideRequest(body, prove),
    [paths.sweepRequests]: (body, prove) => at.sweepRequests(body, prove),
    [paths.invokeBreakglass]: (body, prove) => at.invoke(body, prove),
    [paths.listEvents]: (body, prove) => at.listEvents(body, prove),
    [paths.showEvent]: (body, prove) => at.showEvent(body, prove),
    [paths.actOnEvent]: (body, prove) => at.actOnEvent(body, prove),
  };
}

/** The body read, or a usage refusal naming the call. */
function read<T>(parsed: Parsed<T>, what: string): T {
  if (!parsed.ok) throw new SentinelError("usage", `bad ${what} call: ${parsed.why}`);
  return parsed.value;
}

/**
 * A record as a caller sees it: without the policy source it was made under, which may be a file
 * of the broker's host (the broker judges by it; the caller has no use for it).
 */
function shown<R extends { policySource?: string }>(record: R): Omit<R, "policySource"> {
  const { policySource: _source, ...rest } = record;
  return rest;
}

/** Who heard of it, without why a notifier failed (that is the operator's, in the log). */
function reportAnswer(report: NotifyReport): ReportAnswer {
  return {
    delivered: report.delivered,
    failed: report.failed.map(({ name, required }) => ({ name, required })),
  };
}

/** A page as a caller gets it: the damaged records' ids and why, not where they are stored. */
function pageAnswer(page: Page<{ policySource?: string }>, store: string): PageAnswer {
  return {
    store,
    items: page.items.map(shown),
    ...(page.next === undefined ? {} : { next: page.next }),
    ...(page.damaged === undefined
      ? {}
      : { damaged: page.damaged.map(({ id, why }) => ({ id, why })) }),
  };
}

/**
 * `identity` acting with the broker's store, log, plugins and AWS access (the broker's own
 * credentials: what it writes to AWS, it writes as itself).
 */
export async function brokerActing(
  deps: Deps,
  setup: BrokerSetup,
  identity: Identity,
): Promise<ActingContext> {
  const signal = AbortSignal.timeout(setup.callSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(setup.settings.base, signal);
  const config = await deps.config.load();
  return {
    caller: { settings: setup.settings, identity, credentials: base.credentials, signal },
    stores: await setup.stores(),
    store: behindBroker(setup.store, setup.brokerId),
    logFile: setup.settings.logFile,
    plugins: config.sentinel.plugins,
  };
}

class BrokerActing {
  readonly #deps: Deps;
  readonly #setup: BrokerSetup;

  constructor(deps: Deps, setup: BrokerSetup) {
    this.#deps = deps;
    this.#setup = setup;
  }

  /** The kind of the broker's store: its name (a table, a file of its host) is the operator's. */
  get #store(): string {
    return this.#setup.store.kind;
  }

  /** The caller as a person acting with the broker's store, log, plugins and AWS access. */
  async #acting(prove: Prove): Promise<{ identity: Identity; flags: CallerFlags }> {
    const identity = callerIdentity(await prove());
    return { identity, flags: { acting: await brokerActing(this.#deps, this.#setup, identity) } };
  }

  /**
   * The caller asking for `profile`: proven, and the profile one this broker serves (else
   * `unknown_profile`, as for credentials: nothing of the broker's configuration is told).
   */
  async #asking(prove: Prove, profile: string): Promise<Identity> {
    const identity = callerIdentity(await prove());
    await servedProfile(this.#deps, this.#setup, { callerArn: identity.arn, profile }, {
      store: this.#setup.store.text,
    });
    return identity;
  }

  /** Whether `identity` is of an account that reads here (see the module's note on reading). */
  #local(identity: Identity): boolean {
    return this.#setup.readerAccounts.has(identity.account);
  }

  #refuseList(identity: Identity): void {
    if (this.#local(identity)) return;
    throw new SentinelError(
      "denied",
      `only identities of the broker's accounts (${
        [...this.#setup.readerAccounts].join(", ")
      }: its own and its roles') list records; ${identity.arn} may show its own by id`,
    );
  }

  /** The one refusal a caller of another account gets about a record it may not see. */
  #unseen(identity: Identity, what: string, id: string): SentinelError {
    return new SentinelError(
      "not_found",
      `there is no ${what} ${id} that ${identity.arn} made or may act on at this broker`,
    );
  }

  /** A record shown to a caller of another account only when that caller made it. */
  #refuseShow(identity: Identity, madeBy: string | undefined, what: string, id: string): void {
    if (this.#local(identity) || madeBy === identity.arn) return;
    throw this.#unseen(identity, what, id);
  }

  /**
   * Runs `act` for `identity`. A caller of another account may act where the policy lets it (its
   * own request, an approval rule naming its ARN), but learns nothing from a refusal — not who
   * asked, who decided or who may approve, no rule, reason or role, nor whether an id exists:
   * every refusal `hidden` names (its exit codes, but the `told` codes about its own records) is
   * `instead`.
   */
  async #opaque<T>(
    identity: Identity,
    act: () => Promise<T>,
    hidden: { exits: readonly number[]; told?: readonly string[]; instead(): SentinelError },
  ): Promise<T> {
    if (this.#local(identity)) return await act();
    try {
      return await act();
    } catch (error) {
      const refusal = error instanceof SentinelError && hidden.exits.includes(error.exitCode) &&
        !hidden.told?.includes(error.code);
      throw refusal ? hidden.instead() : error;
    }
  }

  /** `#opaque` for a record: every refusal is the same not-found. */
  #opaqueRecord<T>(identity: Identity, what: string, id: string, act: () => Promise<T>) {
    return this.#opaque(identity, act, {
      exits: [ExitCode.Denied, ExitCode.Conflict, ExitCode.Usage],
      instead: () => this.#unseen(identity, what, id),
    });
  }

  /** `#opaque` for asking: every refusal is one denial naming nothing of the policy. */
  #opaqueAsk<T>(identity: Identity, profile: string, ask: () => Promise<T>) {
    return this.#opaque(identity, ask, {
      exits: [ExitCode.Denied, ExitCode.ApprovalRequired, ExitCode.Conflict],
      told: ["breakglass_already_open", "breakglass_announcing"],
      instead: () =>
        new SentinelError(
          "denied",
          `the policy at this broker gives ${identity.arn} nothing on ${profile}`,
        ),
    });
  }

  async createRequest(body: string, prove: Prove): Promise<CreatedAnswer> {
    const call = read(parseCreateRequestCall(body), "request");
    const identity = await this.#asking(prove, call.profile);
    const outcome = await this.#opaqueAsk(identity, call.profile, () =>
      requestAccess(this.#deps, {
        ...call,
        store: this.#setup.store.text,
        caller: { identity, brokerId: this.#setup.brokerId },
      }));
    const store = this.#store;
    if (outcome.kind === "not_needed") return { store, kind: outcome.kind, rule: outcome.rule };
    if (outcome.kind === "already_approved") {
      return {
        store,
        kind: outcome.kind,
        request: shown(outcome.request),
        window_ends_at: outcome.windowEndsAt,
      };
    }
    return {
      store,
      kind: "created",
      request: shown(outcome.request),
      approvers: outcome.approvers,
      report: reportAnswer(outcome.report),
    };
  }

  async listRequests(body: string, prove: Prove): Promise<PageAnswer> {
    const call = read(parseListRequestsCall(body), "list requests");
    const { identity, flags } = await this.#acting(prove);
    this.#refuseList(identity);
    return pageAnswer(await listRequests(this.#deps, call, flags), this.#store);
  }

  async showRequest(body: string, prove: Prove): Promise<RecordAnswer> {
    const { id } = read(parseShowCall(body), "show request");
    const { identity, flags } = await this.#acting(prove);
    const { request } = await this.#opaqueRecord(
      identity,
      "request",
      id,
      () => showRequest(this.#deps, id, flags),
    );
    this.#refuseShow(identity, request.requesterArn, "request", id);
    return { store: this.#store, record: shown(request) };
  }

  async decideRequest(body: string, prove: Prove): Promise<RecordAnswer> {
    const call = read(parseDecideCall(body), "decide");
    const { identity, flags } = await this.#acting(prove);
    const action = call.action === "approve"
      ? { kind: "approve" as const, comment: call.comment }
      : call.action === "deny"
      ? { kind: "deny" as const, comment: call.comment! }
      : { kind: "cancel" as const };
    const done = await this.#opaqueRecord(
      identity,
      "request",
      call.id,
      () => actOnRequest(this.#deps, call.id, action, flags),
    );
    return {
      store: this.#store,
      record: shown(done.request),
      actor: done.actor,
      report: reportAnswer(done.report),
    };
  }

  async sweepRequests(body: string, prove: Prove): Promise<SweepAnswer> {
    read(parseSweepCall(body), "sweep");
    const { identity, flags } = await this.#acting(prove);
    this.#refuseList(identity);
    const { expired } = await sweepRequests(this.#deps, flags);
    return { store: this.#store, expired };
  }

  async invoke(body: string, prove: Prove): Promise<InvokedAnswer> {
    const call = read(parseInvokeCall(body), "break-glass");
    const identity = await this.#asking(prove, call.profile);
    const invocation = await this.#opaqueAsk(
      identity,
      call.profile,
      () =>
        invokeBreakglass(this.#deps, {
          ...call,
          store: this.#setup.store.text,
          caller: { identity, brokerId: this.#setup.brokerId },
        }),
    );
    return {
      store: this.#store,
      record: shown(invocation.event),
      report: reportAnswer(invocation.report),
      escalated: invocation.escalated,
      resumed: invocation.resumed === true,
    };
  }

  async listEvents(body: string, prove: Prove): Promise<PageAnswer> {
    const call = read(parseListEventsCall(body), "list events");
    const { identity, flags } = await this.#acting(prove);
    this.#refuseList(identity);
    return pageAnswer(await listEvents(this.#deps, call, flags), this.#store);
  }

  async showEvent(body: string, prove: Prove): Promise<RecordAnswer> {
    const { id } = read(parseShowCall(body), "show event");
    const { identity, flags } = await this.#acting(prove);
    const { event } = await this.#opaqueRecord(
      identity,
      "break-glass event",
      id,
      () => showEvent(this.#deps, id, flags),
    );
    this.#refuseShow(identity, event.invokerArn, "break-glass event", id);
    return { store: this.#store, record: shown(event) };
  }

  async actOnEvent(body: string, prove: Prove): Promise<RecordAnswer> {
    const call = read(parseEventActCall(body), "break-glass event");
    const { identity, flags } = await this.#acting(prove);
    const action = call.action === "close"
      ? { kind: "close" as const, reason: call.text }
      : { kind: "review" as const, notes: call.text };
    const done = await this.#opaqueRecord(
      identity,
      "break-glass event",
      call.id,
      () => actOnEvent(this.#deps, call.id, action, flags),
    );
    return {
      store: this.#store,
      record: shown(done.event),
      actor: done.actor,
      ...(done.revoked === undefined
        ? {}
        : { revoked: { before: done.revoked.before, role_arns: done.revoked.roleArns } }),
    };
  }
}

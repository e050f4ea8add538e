/**
 * Runs one AWS call for either transport with the same rules: it ends by the deadline of its
 * `AbortSignal` whatever the transport does (the result is raced against the signal), it is
 * retried at most once — after throttling, a 5xx answer or a failed connection, and only while
 * the deadline allows — and every failure leaves as the {@link callFailure} message. A call with
 * no answer after {@link SLOW_CALL_MS} is reported once to the notice set by {@link onSlowCall}
 * (the composition root prints it on a terminal), so an endpoint that never answers is not silence.
 *
 * @module
 */
import type { AwsCredentials } from "../../ports/aws.ts";
import { type AwsService, type EndpointLookup, resolveEndpoint } from "./endpoints.ts";
import {
  abortFault,
  type AwsCallSite,
  callFailure,
  callLabel,
  faultOf,
  isNoSuchEntity,
  isRetryable,
  isThrottling,
} from "./failure.ts";

/** One HTTP attempt of a call; it must honour `signal`. */
export type Attempt<T> = (signal: AbortSignal) => Promise<T>;

/**
 * `attempt`, resolving to `undefined` where IAM answers NoSuchEntity: for reads whose port
 * says "absent" rather than failing. Either transport's way of throwing it is recognised.
 */
export function undefinedIfNoSuchEntity<T>(attempt: Attempt<T>): Attempt<T | undefined> {
  return async (signal) => {
    try {
      return await attempt(signal);
    } catch (error) {
      if (isNoSuchEntity(faultOf(error, signal))) return undefined;
      throw error;
    }
  };
}

/** How long a call waits before its slow-call notice. */
export const SLOW_CALL_MS = 2_000;

let slowCallNotice: ((site: AwsCallSite, waitedMs: number) => void) | undefined;

/** Sets what hears of a call still unanswered after {@link SLOW_CALL_MS} (once per call). */
export function onSlowCall(notice: ((site: AwsCallSite, waitedMs: number) => void) | undefined) {
  slowCallNotice = notice;
}

/** The slow-call notice as a person reads it: what is waited for, where, and what happens next. */
export function slowCallText(site: AwsCallSite, waitedMs: number): string {
  const { url, source } = site.endpoint;
  return `waiting for ${callLabel(site)} at ${url.origin}${
    source === undefined ? "" : ` (${source})`
  }: no answer after ${
    Math.round(waitedMs / 1000)
  } s; Sentinel gives up at its timeout setting (30s unless set), Ctrl-C stops it`;
}

/** Pause before the one retry, in milliseconds: [minimum, maximum) (jittered). */
const RETRY_PAUSE_MS = { throttling: [300, 600], other: [50, 150] } as const;

/**
 * Runs `attempt` (twice at most) under `signal`; resolves with its result or rejects with a
 * `SentinelError` (exit 6; 130 when interrupted) that names the call and its endpoint.
 */
export async function runAwsCall<T>(
  site: AwsCallSite,
  credentials: AwsCredentials,
  signal: AbortSignal,
  attempt: Attempt<T>,
): Promise<T> {
  const started = performance.now();
  let attempts = 0;
  /** The retryable failure whose pause before the retry is running (or was cut short). */
  let pausedAfter: { error: unknown } | undefined;
  const fail = (error: unknown, fault = faultOf(error, signal)) =>
    callFailure(
      site,
      fault,
      { elapsedMs: performance.now() - started, attempts },
      credentials,
      error,
    );
  if (signal.aborted) throw fail(signal.reason, abortFault(signal));

  const work = (async () => {
    attempts++;
    try {
      return await attempt(signal);
    } catch (error) {
      const fault = faultOf(error, signal);
      if (signal.aborted || !isRetryable(fault)) throw error;
      const [min, max] = isThrottling(fault) ? RETRY_PAUSE_MS.throttling : RETRY_PAUSE_MS.other;
      pausedAfter = { error }; // stays set when the deadline ends the pause
      if (!await pause(min + Math.random() * (max - min), signal)) throw error;
      pausedAfter = undefined;
      attempts++;
      return await attempt(signal);
    }
  })();
  let onAbort = () => {};
  const deadline = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  work.catch(() => {}); // settled later than the deadline when the transport is slow to abort
  const notice = slowCallNotice;
  const slow = notice === undefined
    ? undefined
    : setTimeout(() => notice(site, performance.now() - started), SLOW_CALL_MS);
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    // When the deadline comes during the pause, report the failure that caused the pause.
    const deadlineInPause = error === signal.reason && pausedAfter !== undefined &&
      abortFault(signal).kind === "timeout";
    throw fail(deadlineInPause ? pausedAfter!.error : error);
  } finally {
    clearTimeout(slow);
    signal.removeEventListener("abort", onAbort);
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
      resolve(finished);
    };
    const aborted = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/** The {@link AwsCallSite} of one call: the endpoint resolved from `endpoints` for the region. */
export function callSite(
  endpoints: EndpointLookup,
  service: AwsService,
  operation: string,
  region: string,
  subject?: string,
): AwsCallSite {
  return {
    service,
    operation,
    region,
    endpoint: resolveEndpoint(endpoints, service, region),
    subject,
  };
}

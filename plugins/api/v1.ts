/**
 * Sentinel plugin API, version 1: the types a plugin is written against (a plugin runs from a
 * `data:` URL, so it imports types only; they are erased when it is loaded).
 *
 * A plugin is one ES module whose default export holds its handlers. Sentinel loads it into a
 * Deno Worker with no environment, no file system (unless granted), no subprocesses, no FFI, no
 * remote, npm or local-file imports, and network only to the hosts its configuration grants. Each
 * call is bounded by a timeout, and its process by a memory limit; a result is at most 256 KiB of
 * JSON. A plugin that throws, hangs or exhausts memory is stopped and its call fails, without
 * touching Sentinel. Nothing it stores outlives the call (docs/plugins.md, "Sandbox limits").
 *
 * @example A notifier
 * ```ts
 * import type { NotifierPlugin } from "./v1.ts";
 *
 * const plugin: NotifierPlugin = {
 *   async notify(event, ctx) {
 *     const response = await fetch(String(ctx.settings.url), {
 *       method: "POST",
 *       body: JSON.stringify(event),
 *     });
 *     return { delivered: response.ok, detail: `HTTP ${response.status}` };
 *   },
 * };
 * export default plugin;
 * ```
 * @module
 */

/** The protocol version this file describes. */
export const PLUGIN_API_VERSION = 1;

/** What a plugin is for. */
export const PLUGIN_KINDS = ["notifier", "approval_router", "log_sink"] as const;
/** One of {@link PLUGIN_KINDS}. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** The method the host calls on a plugin of each kind. */
export const PLUGIN_METHODS = {
  notifier: "notify",
  approval_router: "route",
  log_sink: "write",
} as const satisfies Record<PluginKind, string>;
/** A plugin method. */
export type PluginMethod = (typeof PLUGIN_METHODS)[PluginKind];

/** An event as plugins receive it: snake_case, durations in seconds, times RFC 3339 UTC. */
export interface SentinelEvent {
  /** Payload format version, currently 1. */
  version: 1;
  /** For example `approval_requested`, `breakglass_invoked`, `credential_denied`, `test`. */
  type: string;
  /** Unique per event. */
  id: string;
  /** When it happened, RFC 3339 UTC. */
  time: string;
  /** The event's details; for `decision`, the decision-log record. */
  data: Record<string, unknown>;
}

/** AWS credentials the host hands to a plugin whose configuration asks for them. */
export interface PluginAwsAccess {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  /** Base URL of the service endpoint to call, for example `https://sns.eu-central-1.amazonaws.com`. */
  endpoint: string;
}

/** What every call receives besides its payload. */
export interface PluginContext {
  /** The plugin's `settings` from the Sentinel config, `*_env` keys resolved by the host. */
  settings: Record<string, unknown>;
  /** Present only when the configuration grants AWS access. */
  aws?: PluginAwsAccess;
}

/** The result of a notification. */
export interface NotifyResult {
  delivered: boolean;
  detail?: string;
}

/** A notifier: told about events (approvals, break-glass, tests). */
export interface NotifierPlugin {
  notify(event: SentinelEvent, ctx: PluginContext): Promise<NotifyResult> | NotifyResult;
}

/** An access request as approval routers see it. */
export interface ApprovalRequestInfo {
  id: string;
  requester: string;
  profile: string;
  role_arn?: string;
  duration_seconds: number;
  justification: string;
}

/** Who should be asked to approve a request; an empty list means "no route". */
export interface RouteResult {
  approvers: string[];
  detail?: string;
}

/** An approval router: names who should approve a request. */
export interface ApprovalRouterPlugin {
  route(request: ApprovalRequestInfo, ctx: PluginContext): Promise<RouteResult> | RouteResult;
}

/** The result of writing records. */
export interface WriteResult {
  written: number;
}

/** A log sink: receives decision-log records. */
export interface LogSinkPlugin {
  write(records: Record<string, unknown>[], ctx: PluginContext): Promise<WriteResult> | WriteResult;
}

/** A call from the host to the worker. */
export interface CallMessage {
  protocol: typeof PLUGIN_API_VERSION;
  id: number;
  method: PluginMethod;
  payload: unknown;
  context: PluginContext;
}

/** The worker's answer. */
export type ReplyMessage =
  | { protocol: typeof PLUGIN_API_VERSION; id: number; ok: true; result: unknown }
  | { protocol: typeof PLUGIN_API_VERSION; id: number; ok: false; error: string };

/** The Worker's first message, once the plugin module has loaded. */
export interface ReadyMessage {
  protocol: typeof PLUGIN_API_VERSION;
  ready: true;
}

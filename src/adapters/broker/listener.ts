/**
 * The broker's HTTP listener on Deno.serve. It treats every byte from a client as hostile and
 * bounds what a client can make it hold: its connections (a request must start within seconds of
 * connecting; connections.ts), a body over the limit is refused unread (413), a body
 * that does not arrive in time is refused (408), a body that is not UTF-8 is refused (400). The
 * path routed is the one the request line sent, never one a `Host` header makes up, and only in
 * canonical form, so a proxy in front and the broker cannot read one request two ways. Every
 * answered request is one access-log entry (never a header's or a body's content). Shutdown stops
 * accepting and lets the requests in flight finish.
 *
 * @module
 */
import type {
  BrokerListener,
  BrokerReply,
  ListenedCall,
  ListenOptions,
} from "../../ports/broker.ts";
import { BROKER_PATHS } from "../../core/broker/api.ts";
import { readBounded } from "./bounded_read.ts";
import { ConnectionGuard } from "./connections.ts";

/** A `Host` header: a name or an address, `[v6]` in brackets, and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The path `request` asked for, as its request line sent it, or why it is not routed. Deno builds
 * `request.url` as `http://` + the `Host` header + the target, so a `Host` of `a/b?` or `a\b` would
 * move the path a URL parser finds: the `Host` must be a host, and the path is read after it.
 * Dot segments, backslashes and characters a URL would escape are refused rather than resolved.
 */
export function requestPath(
  request: Request,
): { ok: true; path: string } | { ok: false; why: string } {
  const host = request.headers.get("host");
  if (host !== null && !HOST.test(host)) {
    return {
      ok: false,
      why: "the Host header is not a host name or address with an optional port",
    };
  }
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const path = (start < 0 ? "/" : url.slice(start)).replace(/[?#][\s\S]*$/, "");
  let canonical: string | undefined;
  try {
    canonical = new URL(path, "http://broker.invalid").pathname;
  } catch { /* below */ }
  if (canonical !== path) {
    return {
      ok: false,
      why:
        `the path is not in canonical form (no "." or ".." segments, no backslashes, escapes only where needed); ask for one of ${
          Object.values(BROKER_PATHS).join(", ")
        }`,
    };
  }
  return { ok: true, path };
}

/** A refusal the listener makes itself, in the catalogue's shape. */
function refusal(status: number, code: string, exitCode: number, message: string): BrokerReply {
  return { status, body: { exit_code: exitCode, code, message, details: [] } };
}

/** The body of `request`, within the size and time bounds; a refusal when it is not. */
async function boundedBody(
  request: Request,
  options: ListenOptions,
): Promise<{ ok: true; text: string } | { ok: false; reply: BrokerReply }> {
  const tooLarge = refusal(
    413,
    "call_too_large",
    2,
    `the call's body is over ${options.maxBodyBytes} bytes`,
  );
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!(declared <= options.maxBodyBytes)) return { ok: false, reply: tooLarge };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), options.bodyTimeoutMs);
  });
  try {
    const read = await Promise.race([readBounded(request.body, options.maxBodyBytes), late]);
    if (read === "late") {
      request.body?.cancel().catch(() => {});
      return {
        ok: false,
        reply: refusal(
          408,
          "usage",
          2,
          `the call's body did not arrive within ${options.bodyTimeoutMs} ms`,
        ),
      };
    }
    return read.ok ? { ok: true, text: read.text } : { ok: false, reply: tooLarge };
  } catch {
    return { ok: false, reply: refusal(400, "usage", 2, "the call's body is not UTF-8 text") };
  } finally {
    clearTimeout(timer);
  }
}

/** The reply to a request for `path`: its body read within the bounds, then answered. */
async function replyTo(
  request: Request,
  call: { path: string; remote: string },
  options: ListenOptions,
  answer: (call: ListenedCall) => Promise<BrokerReply>,
): Promise<BrokerReply> {
  const body = request.method === "GET" || request.method === "HEAD"
    ? { ok: true as const, text: "" }
    : await boundedBody(request, options);
  if (!body.ok) return body.reply;
  return await answer({
    method: request.method,
    path: call.path,
    headers: request.headers,
    body: body.text,
    remote: call.remote,
  });
}

/** One request: read, answered, logged. */
async function answerOne(
  request: Request,
  remote: string,
  options: ListenOptions,
  answer: (call: ListenedCall) => Promise<BrokerReply>,
): Promise<Response> {
  const started = performance.now();
  const target = requestPath(request);
  const reply = target.ok
    ? await replyTo(request, { path: target.path, remote }, options, answer)
    : refusal(400, "usage", 2, target.why);
  options.onAnswered({
    time: new Date().toISOString(),
    remote,
    method: request.method,
    path: target.ok ? target.path.slice(0, 200) : "?",
    status: reply.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...reply.headers,
    },
  });
}

/**
 * Listens on Deno.serve behind a {@link ConnectionGuard}: the broker's address is a listener of its
 * own, whose connections reach Deno.serve on an ephemeral loopback port through pipes the guard
 * bounds (connections.ts says how and why). TLS ends at the broker's own listener. Should Deno.serve
 * stop while the broker runs (out of descriptors), it is started again on a new port.
 */
export const denoListener: BrokerListener = {
  listen(options, answer) {
    const outer = options.tls === undefined
      ? Deno.listen({ hostname: options.hostname, port: options.port })
      : Deno.listenTls({
        hostname: options.hostname,
        port: options.port,
        cert: options.tls.cert,
        key: options.tls.key,
      });
    let stopping = false;
    const guard = new ConnectionGuard(0);
    const handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
      guarded(guard, request, info, options, answer);
    const serveInner = (): Deno.HttpServer<Deno.NetAddr> => {
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {}, handler });
      server.finished.catch(() => restart());
      return server;
    };
    const restart = async () => {
      while (!stopping) {
        guard.pressure();
        await new Promise((resolve) => setTimeout(resolve, 100));
        try {
          inner = serveInner();
          guard.innerPort = inner.addr.port;
          return;
        } catch { /* still out of descriptors: again */ }
      }
    };
    let inner = serveInner();
    guard.innerPort = inner.addr.port;
    const accepting = guard.acceptFrom(outer);
    const address = outer.addr as Deno.NetAddr;
    const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => finish = resolve);
    return {
      origin: `${options.tls === undefined ? "http" : "https"}://${host}:${address.port}`,
      async shutdown() {
        stopping = true;
        guard.stop(outer);
        await accepting;
        await inner.shutdown().catch(() => {});
        await guard.closeAll(5_000);
        finish();
      },
      finished,
    };
  },
};

/** A request on the inner server: answered when it came through one of the guard's pipes. */
async function guarded(
  guard: ConnectionGuard,
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  options: ListenOptions,
  answer: (call: ListenedCall) => Promise<BrokerReply>,
): Promise<Response> {
  const pipe = info.remoteAddr.port;
  const remote = guard.remoteOf(pipe);
  if (remote === undefined) {
    await request.body?.cancel();
    return new Response(null, { status: 421 }); // not through the broker's own address
  }
  guard.started(pipe);
  try {
    return await answerOne(request, remote, options, answer);
  } finally {
    guard.ended(pipe);
  }
}

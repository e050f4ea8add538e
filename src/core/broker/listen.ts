/**
 * Where a broker listens and what it calls itself: `--listen HOST:PORT`, the rule that plain HTTP
 * is for loopback only (or behind a TLS-terminating proxy, said explicitly), and the broker id —
 * the origin its clients are configured with (`sentinel_server`), which every proof must name.
 *
 * @example
 * ```ts
 * import { brokerIdentity, parseListen } from "./listen.ts";
 *
 * const listen = parseListen("127.0.0.1:8443");
 * console.assert(listen.ok && listen.value.port === 8443);
 * if (listen.ok) {
 *   const id = brokerIdentity({ listen: listen.value, tls: false, behindTlsProxy: false });
 *   console.assert(id.ok && id.value === "http://127.0.0.1:8443");
 * }
 * ```
 * @module
 */
import { isLoopbackHost } from "../settings.ts";

/** A listening address. */
export interface ListenAddress {
  /** As Deno.serve takes it (`::1`, not `[::1]`). */
  hostname: string;
  port: number;
}

/** `HOST:PORT` (`[v6]:PORT` for IPv6; port 0 picks a free one), or why not. */
export function parseListen(
  text: string,
): { ok: true; value: ListenAddress } | { ok: false; why: string } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 0 && port <= 65535)) {
    return {
      ok: false,
      why: `--listen "${text}" is not HOST:PORT, such as 127.0.0.1:8443 or 0.0.0.0:8443`,
    };
  }
  return { ok: true, value: { hostname: match[1].replace(/^\[|\]$/g, ""), port } };
}

/** Whether a listening hostname is a loopback one. */
export function listensOnLoopback(address: ListenAddress): boolean {
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return isLoopbackHost(host);
}

/** How the broker serves: TLS itself, plain behind a TLS proxy, or plain on loopback. */
export interface ServingMode {
  listen: ListenAddress;
  tls: boolean;
  /** `--behind-tls-proxy`: plain HTTP on a non-loopback address is the proxy's leg. */
  behindTlsProxy: boolean;
  /** `--broker-id`, when given. */
  brokerId?: string;
}

/**
 * The broker id — `--broker-id`, else the origin of the listening address — or why the broker must
 * not start: plain HTTP beyond loopback without `--behind-tls-proxy`, or an address clients cannot
 * use as an origin (0.0.0.0, a proxy) without `--broker-id`.
 */
export function brokerIdentity(
  mode: ServingMode,
): { ok: true; value: string } | { ok: false; why: string } {
  const loopback = listensOnLoopback(mode.listen);
  if (!mode.tls && !loopback && !mode.behindTlsProxy) {
    return {
      ok: false,
      why:
        `plain HTTP on ${mode.listen.hostname} would carry credentials in clear: give --tls-cert and --tls-key, listen on 127.0.0.1, or, behind a TLS-terminating load balancer, say so with --behind-tls-proxy`,
    };
  }
  if (mode.brokerId !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(mode.brokerId);
    } catch { /* below */ }
    if (
      url === undefined || url.origin !== mode.brokerId.replace(/\/$/, "") ||
      !/^https?:$/.test(url.protocol)
    ) {
      return {
        ok: false,
        why:
          `--broker-id "${mode.brokerId}" is not an origin such as https://sentinel.example.com (the URL clients set as sentinel_server)`,
      };
    }
    return { ok: true, value: url.origin };
  }
  const wildcard = mode.listen.hostname === "0.0.0.0" || mode.listen.hostname === "::";
  if (wildcard || mode.behindTlsProxy || mode.listen.port === 0) {
    return {
      ok: false,
      why:
        "name the URL clients reach this broker at with --broker-id (it is the sentinel_server they set, and every proof must name it)",
    };
  }
  const host = mode.listen.hostname.includes(":")
    ? `[${mode.listen.hostname}]`
    : mode.listen.hostname;
  return { ok: true, value: `${mode.tls ? "https" : "http"}://${host}:${mode.listen.port}` };
}

/**
 * The broker's hold on its connections, in front of Deno.serve, which bounds none of them: it
 * keeps a connection that never completes a request open for ever, and when the process runs out
 * of file descriptors it stops listening — the broker exited. A client holding enough half-sent
 * requests could so stop the broker for everyone. So the broker accepts connections itself and
 * hands each to Deno.serve — listening on an ephemeral loopback port — through a pipe it watches:
 *
 * - a connection must start a request (its headers whole) within {@link HEADERS_MS} of opening,
 *   and after an answer start the next within {@link KEEP_ALIVE_MS} (a half-sent request line
 *   or a silent socket is closed in seconds, an idle keep-alive in a minute; a request being
 *   answered is never timed out here: the listener's body timeout and the call's own deadline
 *   bound it);
 * - at most {@link MAX_CONNECTIONS} are held (each costs three descriptors: the caller's socket
 *   and both ends of the pipe). When a new one would pass the bound, the connection idle the
 *   longest (no request in progress) is closed to make room — a stuck one, before a caller who
 *   has just connected and is sending its request; if every one is being answered, the new one
 *   is closed instead;
 * - running out of descriptors anyway (a lower limit than the bound needs) lowers the bound to
 *   what was held, closing idle connections down to it, for a minute; the accept is tried again
 *   and the broker never stops listening (the listener also starts Deno.serve again should it
 *   stop, see listener.ts).
 *
 * The inner server learns each caller's address from the pipe a request came through; a
 * connection to the inner port that is not one of those pipes is refused.
 *
 * @module
 */

/** How long a new connection may take to start a request (its headers whole). */
export const HEADERS_MS = 10_000;
/** How long a connection may stay idle after an answer before its next request starts. */
export const KEEP_ALIVE_MS = 60_000;
/** The most connections held at once (about 12,300 descriptors; Deno raises the soft limit). */
export const MAX_CONNECTIONS = 4_096;
/** How long a bound lowered by running out of descriptors stays lowered. */
const PRESSURE_MS = 60_000;
/** The least the bound is lowered to. */
const MIN_CONNECTIONS = 64;

interface Held {
  conn: Deno.Conn;
  upstream: Deno.Conn;
  remote: string;
  /** Requests being answered on it. */
  busy: number;
  /** Whether a request ever started on it. */
  used: boolean;
  /** Since when it has had no request in progress (performance.now()). */
  idleSince: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** The connections of one listener, as the module describes. */
export class ConnectionGuard {
  /** By the pipe's local port: what the inner server sees as the caller's port. */
  readonly #held = new Map<number, Held>();
  /** Where the inner server listens (it changes if it is started again). */
  innerPort: number;
  #bound = MAX_CONNECTIONS;
  #pressureAt = -Infinity;
  #stopped = false;

  constructor(innerPort: number) {
    this.innerPort = innerPort;
  }

  /** The caller's address for a request that came through pipe `port`, if it is one of ours. */
  remoteOf(port: number): string | undefined {
    return this.#held.get(port)?.remote;
  }

  /** A request started on pipe `port`: no deadline while it is answered. */
  started(port: number): void {
    const held = this.#held.get(port);
    if (held === undefined) return;
    held.busy++;
    held.used = true;
    clearTimeout(held.timer);
  }

  /** A request on pipe `port` was answered: the next must start in time. */
  ended(port: number): void {
    const held = this.#held.get(port);
    if (held === undefined) return;
    held.busy = Math.max(0, held.busy - 1);
    if (held.busy > 0) return;
    held.idleSince = performance.now();
    this.#arm(port, held, KEEP_ALIVE_MS);
  }

  /** How many connections are held. */
  get size(): number {
    return this.#held.size;
  }

  /** Out of descriptors: hold no more than now (less a tenth) for a while, closing idle ones. */
  pressure(): void {
    this.#bound = Math.max(MIN_CONNECTIONS, Math.floor(this.#held.size * 0.9));
    this.#pressureAt = performance.now();
    this.#fit(0);
  }

  /** Accepts from `listener` until {@link stop}; never throws. */
  async acceptFrom(listener: Deno.Listener): Promise<void> {
    while (!this.#stopped) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        // Closed (stopping), or out of descriptors: make room, wait a moment, accept again.
        if (this.#stopped) continue;
        this.pressure();
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (!this.#fit(1)) {
        close(conn);
        continue;
      }
      void this.#hold(conn);
    }
  }

  /** Stops accepting from `listener` (closing it); the connections stay until {@link closeAll}. */
  stop(listener: Deno.Listener): void {
    this.#stopped = true;
    try {
      listener.close();
    } catch { /* already */ }
  }

  /**
   * After the inner server's drain: closes the connections that never started a request, waits up
   * to `ms` for the answers still in the others' pipes to reach their callers (each pipe ends
   * when the inner server closes its side), then closes the rest.
   */
  async closeAll(ms: number): Promise<void> {
    for (const [port, held] of [...this.#held]) if (!held.used) this.#drop(port);
    const deadline = performance.now() + ms;
    while (this.#held.size > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const port of [...this.#held.keys()]) this.#drop(port);
  }

  /** Whether `more` connections fit the bound, closing the longest idle to make them fit. */
  #fit(more: number): boolean {
    const now = performance.now();
    if (now - this.#pressureAt > PRESSURE_MS) this.#bound = MAX_CONNECTIONS;
    while (this.#held.size + more > this.#bound) {
      let idlest: [number, Held] | undefined;
      for (const entry of this.#held) {
        const held = entry[1];
        if (held.busy > 0) continue;
        if (idlest === undefined || held.idleSince < idlest[1].idleSince) idlest = entry;
      }
      if (idlest === undefined) return false;
      this.#drop(idlest[0]);
    }
    return true;
  }

  async #hold(conn: Deno.Conn): Promise<void> {
    const upstream = await this.#pipe();
    if (upstream === undefined) {
      close(conn);
      return;
    }
    const port = (upstream.localAddr as Deno.NetAddr).port;
    const remote = conn.remoteAddr.transport === "tcp" ? conn.remoteAddr.hostname : "?";
    const held: Held = {
      conn,
      upstream,
      remote,
      busy: 0,
      used: false,
      idleSince: performance.now(),
    };
    this.#held.set(port, held);
    this.#arm(port, held, HEADERS_MS);
    await Promise.allSettled([
      conn.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(conn.writable),
    ]);
    this.#drop(port);
  }

  /**
   * A connection to the inner server. Out of descriptors, idle connections make room first; the
   * inner server being started again (listener.ts) takes a moment: tried for about a second.
   */
  async #pipe(): Promise<Deno.Conn | undefined> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      try {
        return await Deno.connect({ hostname: "127.0.0.1", port: this.innerPort });
      } catch {
        if (this.#stopped) return undefined;
        this.pressure();
        await new Promise((resolve) => setTimeout(resolve, 30 * attempt));
      }
    }
    return undefined;
  }

  #arm(port: number, held: Held, ms: number): void {
    clearTimeout(held.timer);
    held.timer = setTimeout(() => this.#drop(port), ms);
  }

  #drop(port: number): void {
    const held = this.#held.get(port);
    if (held === undefined) return;
    this.#held.delete(port);
    clearTimeout(held.timer);
    close(held.conn);
    close(held.upstream);
  }
}

function close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed by its streams */ }
}

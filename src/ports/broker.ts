/**
 * Broker mode's ports (DESIGN §15). The broker side: STS as a proof checker — the rebuilt
 * `GetCallerIdentity` goes to the broker's own pinned endpoint, whatever the client named — and
 * the HTTP listener. The client side: a broker reached with a caller proof made from the base
 * credentials, which never leave the machine.
 *
 * @module
 */
import type { AwsCredentials } from "./aws.ts";

/** Where the broker's STS is, as a proof must be signed for it. */
export interface ProofEndpoint {
  /** The `Host` the rebuilt request goes to (and the client signs). */
  host: string;
  /** The SigV4 region of the proof. */
  region: string;
  /** For messages: scheme, host and path. */
  display: string;
}

/** An HTTP answer, read to the end (bounded). */
export interface HttpAnswer {
  status: number;
  text: string;
}

/** STS, as the broker asks it who signed a proof. */
export interface ProofSts {
  /** The pinned endpoint proofs are checked at. */
  endpoint(): ProofEndpoint;
  /**
   * Sends the fixed `GetCallerIdentity` body with exactly `headers` (the proof's pieces and the
   * headers the broker computed) to the pinned endpoint; never follows a redirect; reads at most a
   * few KB of the answer.
   */
  send(headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer>;
}

/** One API call to a broker, with the proof the client signs for it. */
export interface BrokerCall {
  /** The broker's origin (its id as this client knows it). */
  server: string;
  method: "GET" | "POST";
  path: string;
  body: string;
  /** PEM texts of extra certificate authorities for the broker's TLS. */
  caCerts?: readonly string[];
  /** Absent: an unauthenticated call (health). */
  proof?: { credentials: AwsCredentials; endpoint: { host: string; region: string } };
  signal: AbortSignal;
}

/** A broker, as a client reaches it. */
export interface BrokerClient {
  /** Sends `call` (never following a redirect) and reads the answer (bounded). */
  send(call: BrokerCall): Promise<HttpAnswer>;
}

/** A request as the listener hands it to the broker: its body already read (bounded). */
export interface ListenedCall {
  method: string;
  path: string;
  headers: Headers;
  body: string;
  /** The client's address (`ip`), for per-address limits and the access log. */
  remote: string;
}

/** What the broker answers: a status and a JSON body. */
export interface BrokerReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** How the broker listens. */
export interface ListenOptions {
  hostname: string;
  port: number;
  /** PEM texts; absent: plain HTTP (the command allows it only on loopback or behind a TLS proxy). */
  tls?: { cert: string; key: string };
  /** The largest body read; larger is answered 413 unread. */
  maxBodyBytes: number;
  /** The longest a client may take to send its body, ms; slower is answered 408. */
  bodyTimeoutMs: number;
  /** Called once per answered request (the access log). */
  onAnswered(entry: AccessEntry): void;
}

/** One line of the access log: never a secret, never a body. */
export interface AccessEntry {
  time: string;
  remote: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** A broker listening. */
export interface Listening {
  /** `http(s)://host:port` it listens on. */
  readonly origin: string;
  /** Stops accepting, lets requests in flight finish (drain), then resolves. */
  shutdown(): Promise<void>;
  /** Resolves when the listener has stopped. */
  readonly finished: Promise<void>;
}

/** The broker's HTTP listener. */
export interface BrokerListener {
  listen(options: ListenOptions, answer: (call: ListenedCall) => Promise<BrokerReply>): Listening;
}

/** Broker mode's ports, loaded together when a command needs one. */
export interface BrokerPorts {
  /** STS at the pinned endpoint of `region` (or the one the endpoint settings name). */
  proofSts(region: string): ProofSts;
  client: BrokerClient;
  listener: BrokerListener;
}

/**
 * The client side of broker mode: an API call sent to the broker with a caller proof — an STS
 * `GetCallerIdentity` request signed with the base credentials over `x-sentinel-server` (the
 * broker's origin as this client is configured with it) and `x-sentinel-request` (the digest of
 * this very call, with a nonce of its own), of which only the signature's pieces are sent. The
 * base credentials never leave the machine. Redirects are not followed; answers are read up to a
 * bound.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import {
  PROOF_BODY,
  PROOF_HEADERS,
  REQUEST_HEADER,
  requestDigest,
  SERVER_HEADER,
} from "../../core/broker/caller_proof.ts";
import { SentinelError } from "../../core/errors.ts";
import type { BrokerCall, BrokerClient, HttpAnswer } from "../../ports/broker.ts";
import { readBounded } from "./bounded_read.ts";

/** The most of a broker's answer a client reads (credentials are ~2 KB). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** The proof's headers for `call`, signed with the call's base credentials. */
async function proofHeaders(call: BrokerCall): Promise<Record<string, string>> {
  const proof = call.proof!;
  // A fresh nonce per call: two calls alike in one second are two proofs, not a replay.
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))))
    .replace(/\+/g, "-").replace(/\//g, "_");
  const signed = await new AwsV4Signer({
    method: "POST",
    url: `https://${proof.endpoint.host}/`,
    headers: {
      [REQUEST_HEADER]: await requestDigest({ ...call, nonce }),
      [SERVER_HEADER]: call.server,
    },
    body: PROOF_BODY,
    accessKeyId: proof.credentials.accessKeyId,
    secretAccessKey: proof.credentials.secretAccessKey,
    sessionToken: proof.credentials.sessionToken,
    service: "sts",
    region: proof.endpoint.region,
  }).sign();
  const token = signed.headers.get("x-amz-security-token");
  return {
    [PROOF_HEADERS.authorization]: signed.headers.get("authorization")!,
    [PROOF_HEADERS.date]: signed.headers.get("x-amz-date")!,
    [PROOF_HEADERS.nonce]: nonce,
    ...(token === null ? {} : { [PROOF_HEADERS.token]: token }),
  };
}

/** Brokers over `fetch`. */
export class FetchBrokerClient implements BrokerClient {
  /** Sends `call`; an unreachable broker is `broker_unreachable` (exit 6) naming it. */
  async send(call: BrokerCall): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...(call.proof === undefined ? {} : await proofHeaders(call)),
    };
    let response: Response;
    const client = call.caCerts === undefined
      ? undefined
      : Deno.createHttpClient({ caCerts: [...call.caCerts] });
    try {
      response = await fetch(`${call.server}${call.path}`, {
        method: call.method,
        headers,
        ...(call.method === "GET" ? {} : { body: call.body }),
        redirect: "manual",
        signal: call.signal,
        ...(client === undefined ? {} : { client }),
      });
    } catch (error) {
      client?.close();
      throw new SentinelError(
        "broker_unreachable",
        `cannot reach the broker ${call.server}: ${
          call.signal.aborted ? "no answer within the timeout" : (error as Error).message
        }; check sentinel_server and the network${
          call.server.startsWith("https:")
            ? ", and for a certificate error set server_ca (sentinel_server_ca) to the PEM of the authority that signed the broker's"
            : ""
        } (sentinel doctor)`,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new SentinelError(
        "broker_unreachable",
        `the broker ${call.server} answered with a redirect (HTTP ${response.status}), which Sentinel never follows; set sentinel_server to the broker's own URL`,
      );
    }
    const read = await readBounded(response.body, MAX_ANSWER_BYTES).catch(() => undefined)
      .finally(() => client?.close());
    if (read === undefined || !read.ok) {
      throw new SentinelError(
        "broker_unreachable",
        `the broker ${call.server} sent an answer Sentinel cannot read (not UTF-8 or over ${
          MAX_ANSWER_BYTES / 1024
        } KB)`,
      );
    }
    return { status: response.status, text: read.text };
  }
}

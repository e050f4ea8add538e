/**
 * STS as a broker checks caller proofs with it: the rebuilt `GetCallerIdentity` goes to the
 * endpoint the broker's own settings pin (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else the
 * regional endpoint of its region) — never one a client named. No redirect is followed and at most
 * a few KB of the answer are read.
 *
 * @module
 */
import { PROOF_BODY, PROOF_CONTENT_TYPE } from "../../core/broker/caller_proof.ts";
import { SentinelError } from "../../core/errors.ts";
import type { HttpAnswer, ProofEndpoint, ProofSts } from "../../ports/broker.ts";
import { displayEndpoint, type EndpointLookup, resolveEndpoint } from "../aws/endpoints.ts";
import { readBounded } from "./bounded_read.ts";

/** The most of STS's answer the broker reads (a GetCallerIdentityResponse is ~500 bytes). */
const MAX_ANSWER_BYTES = 16 * 1024;

/** STS over `fetch`, at one pinned endpoint. */
export class FetchProofSts implements ProofSts {
  readonly #url: URL;
  readonly #region: string;

  /** Pins the STS endpoint of `region` (or the one the endpoint settings name). */
  constructor(endpoints: EndpointLookup, region: string) {
    this.#url = resolveEndpoint(endpoints, "sts", region).url;
    this.#region = region;
  }

  endpoint(): ProofEndpoint {
    return { host: this.#url.host, region: this.#region, display: displayEndpoint(this.#url) };
  }

  async send(headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: "POST",
        headers: { ...headers, "content-type": PROOF_CONTENT_TYPE },
        body: PROOF_BODY,
        redirect: "manual",
        signal,
      });
    } catch (error) {
      throw new SentinelError(
        "aws_failure",
        `the broker cannot reach STS at ${displayEndpoint(this.#url)} to check a caller proof: ${
          signal.aborted ? "no answer in time" : (error as Error).message
        }`,
      );
    }
    const read = await readBounded(response.body, MAX_ANSWER_BYTES).catch(() => undefined);
    return { status: response.status, text: read?.ok ? read.text : "" };
  }
}

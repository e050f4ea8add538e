/**
 * Broker mode's real ports: STS over `fetch` at the pinned endpoint, the broker client over
 * `fetch`, and the listener on Deno.serve.
 *
 * @module
 */
import type { BrokerPorts } from "../../ports/broker.ts";
import type { EndpointLookup } from "../aws/endpoints.ts";
import { FetchBrokerClient } from "./client.ts";
import { denoListener } from "./listener.ts";
import { FetchProofSts } from "./proof_sts.ts";

/** The ports, with endpoint settings read through `endpoints`. */
export function brokerPorts(endpoints: EndpointLookup): BrokerPorts {
  return {
    proofSts: (region) => new FetchProofSts(endpoints, region),
    client: new FetchBrokerClient(),
    listener: denoListener,
  };
}

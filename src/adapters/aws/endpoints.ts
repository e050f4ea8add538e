/**
 * Where an AWS service is reached, resolved the same way by both AWS transports: the
 * service-specific variable (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SSM`, …), then
 * `AWS_ENDPOINT_URL`, else the regional endpoint (`https://sts.<region>.amazonaws.com`, with
 * `.amazonaws.com.cn` for `cn-*` regions). IAM is global: one endpoint per partition
 * (`https://iam.amazonaws.com`), signed for the partition's home region ({@link iamRegion}). The configuration comes in as a lookup function, so a
 * transport never reads `Deno.env` while it runs and the integrator can pass a resolved map.
 *
 * @example
 * ```ts
 * const endpoints: EndpointLookup = (name) => Deno.env.get(name);
 * resolveEndpoint(endpoints, "sts", "eu-central-1").url.href; // "https://sts.eu-central-1.amazonaws.com/"
 * ```
 * @module
 */
import { DOCTOR_HINT, SentinelError } from "../../core/errors.ts";

/** Reads one endpoint setting by variable name (an environment lookup or a resolved map). */
export type EndpointLookup = (name: string) => string | undefined;

/** What both AWS transports are built from. */
export interface TransportOptions {
  /** Endpoint settings (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, …) by variable name. */
  endpoints: EndpointLookup;
}

/** The services Sentinel calls, by their endpoint prefix (also their SigV4 signing name). */
export type AwsService = "sts" | "ssm" | "dynamodb" | "iam";

/** A resolved endpoint and which setting chose it (for messages that say what to change). */
export interface Endpoint {
  url: URL;
  /** The variable that set it, or `undefined` for the regional default. */
  source: string | undefined;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

/** The endpoint of `service` in `region`, from the lookup or the regional default. */
export function resolveEndpoint(
  lookup: EndpointLookup,
  service: AwsService,
  region: string,
): Endpoint {
  for (const name of [`AWS_ENDPOINT_URL_${service.toUpperCase()}`, "AWS_ENDPOINT_URL"]) {
    const value = lookup(name)?.trim();
    if (value) return { url: parseEndpoint(name, value), source: name };
  }
  if (service === "iam") return { url: iamEndpoint(region), source: undefined };
  if (!REGION.test(region)) {
    throw new SentinelError(
      "invalid_config",
      `"${region}" is not an AWS region name (like eu-central-1); set region, AWS_REGION or ` +
        `sentinel_region; ${DOCTOR_HINT}`,
    );
  }
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return { url: new URL(`https://${service}.${region}.${domain}/`), source: undefined };
}

/**
 * The region IAM calls are signed for, from the caller's region: IAM is global, so only the
 * partition counts — `cn-north-1` in China, `us-gov-west-1` in GovCloud, else `us-east-1`.
 */
export function iamRegion(region: string): string {
  if (region.startsWith("cn-")) return "cn-north-1";
  if (region.startsWith("us-gov-")) return "us-gov-west-1";
  return "us-east-1";
}

/** IAM's global endpoint in the partition of `region` (see {@link iamRegion}). */
function iamEndpoint(region: string): URL {
  switch (iamRegion(region)) {
    case "cn-north-1":
      return new URL("https://iam.cn-north-1.amazonaws.com.cn/");
    case "us-gov-west-1":
      return new URL("https://iam.us-gov.amazonaws.com/");
    default:
      return new URL("https://iam.amazonaws.com/");
  }
}

/** The endpoint as messages show it: scheme, host and path, never user info or a query. */
export function displayEndpoint(url: URL): string {
  return url.pathname === "/" ? url.origin : `${url.origin}${url.pathname}`;
}

function parseEndpoint(name: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch { /* reported below */ }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new SentinelError(
      "invalid_config",
      `${name} is not an http(s) URL; set it like http://127.0.0.1:5000 or unset it`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SentinelError(
      "invalid_config",
      `${name} must be a plain endpoint URL without user info, query or fragment`,
    );
  }
  return url;
}

/**
 * The AWS SDK transport behind the STS and SSM ports. Every call is bounded by the caller's
 * deadline: when it fires, the call ends with exit code 6 naming the endpoint, whatever the SDK is
 * still waiting for.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../../core/errors.ts";
import type { AwsCall, SsmPort, StsPort } from "../../ports/aws.ts";
import { assumeRole, getCallerIdentity, getParameter, putParameter } from "./sdk.ts";

/** Ends `work` when `call.signal` aborts. */
function bounded<T>(what: string, call: AwsCall, work: () => Promise<T>): Promise<T> {
  const timedOut = () =>
    new SentinelError(
      ExitCode.AwsFailure,
      `${what} (${call.region}) did not answer in time; check AWS_ENDPOINT_URL and the network, or raise sentinel_timeout`,
    );
  if (call.signal.aborted) return Promise.reject(timedOut());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut());
    call.signal.addEventListener("abort", onAbort, { once: true });
    work().then(resolve, reject).finally(() => call.signal.removeEventListener("abort", onAbort));
  });
}

/** STS and SSM through the AWS SDK. */
export function sdkTransport(): { sts: StsPort; ssm: SsmPort } {
  return {
    sts: {
      getCallerIdentity: (credentials, call) =>
        bounded("STS GetCallerIdentity", call, () => getCallerIdentity(credentials, call.region)),
      assumeRole: (credentials, call, params) =>
        bounded(
          `STS AssumeRole on ${params.roleArn}`,
          call,
          () => assumeRole(credentials, call.region, params),
        ),
    },
    ssm: {
      getParameter: (credentials, call, name) =>
        bounded(
          `SSM GetParameter ${name}`,
          call,
          async () => ({ value: await getParameter(credentials, call.region, name), version: 0 }),
        ),
      putParameter: (credentials, call, name, value, secure) =>
        bounded(
          `SSM PutParameter ${name}`,
          call,
          () => putParameter(credentials, call.region, name, value, secure),
        ),
    },
  };
}

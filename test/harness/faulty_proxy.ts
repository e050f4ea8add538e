/**
 * A forwarding proxy in front of moto that answers chosen calls with a failure of the test's
 * choosing (a DynamoDB throttling error, say) while it is switched on, and forwards everything
 * else unchanged. Where holding_proxy.ts freezes one call, this one makes a real AWS failure
 * answer, as the service would, as often as the test wants.
 *
 * @module
 */

/** A call as the proxy sees it. */
export interface ProxiedCall {
  /** The `x-amz-target` header (`DynamoDB_20120810.PutItem`), or "" for query-protocol calls. */
  target: string;
  body: string;
}

/** A running proxy; dispose it to stop. */
export interface FaultyProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB` and the like. */
  readonly endpoint: string;
  /** Whether matching calls fail (true from the start). */
  failing: boolean;
  /** How many calls were answered with the failure. */
  readonly failed: number;
}

/** Sends `request` (whose `body` was read already) on to `target` unchanged; its answer. */
export async function forward(
  target: string,
  request: Request,
  body: Uint8Array<ArrayBuffer>,
): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.delete("host");
  headers.delete("content-length");
  const answer = await fetch(`${target}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body: request.method === "GET" || request.method === "HEAD" ? undefined : body,
  });
  return new Response(await answer.arrayBuffer(), {
    status: answer.status,
    headers: answer.headers,
  });
}

/** What a DynamoDB throttling answer looks like (HTTP 400, JSON 1.0 error body). */
export function throttled(): Response {
  return new Response(
    JSON.stringify({
      __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
      message: "The level of configured provisioned throughput for the table was exceeded",
    }),
    { status: 400, headers: { "content-type": "application/x-amz-json-1.0" } },
  );
}

/** Starts a proxy to `target` that answers calls for which `matches` holds with `failure()`. */
export function faultyProxy(
  target: string,
  matches: (call: ProxiedCall) => boolean,
  failure: () => Response,
): FaultyProxy {
  let failed = 0;
  const state = { failing: true };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    const call = {
      target: request.headers.get("x-amz-target") ?? "",
      body: new TextDecoder().decode(body),
    };
    if (state.failing && matches(call)) {
      failed++;
      return failure();
    }
    return await forward(target, request, body);
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    get failed() {
      return failed;
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/**
 * Local stand-ins for an AWS endpoint, for the faults moto does not emulate: an HTTP server that
 * answers what the test says (throttling, expired tokens, 5xx, …) in the protocol's own error
 * format, a listener that accepts connections and never answers, and a listener whose accept
 * queue is full so that connecting itself hangs. They are not AWS emulators: each answers only
 * what one test needs.
 *
 * @module
 */

/** An HTTP stand-in; it counts the requests it received. */
export interface StandInServer extends AsyncDisposable {
  readonly endpoint: string;
  /** Requests received so far. */
  readonly requests: number;
}

/** Serves `answer(request, n)` for the n-th request (1-based) on a free loopback port. */
export function serveStandIn(
  answer: (request: Request, n: number) => Response | Promise<Response>,
): StandInServer {
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      requests++;
      await request.text();
      return answer(request, requests);
    },
  );
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    get requests() {
      return requests;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** An STS (query protocol) error answer. */
export function stsError(status: number, code: string, message: string): Response {
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>`;
  return new Response(body, { status, headers: { "content-type": "text/xml" } });
}

/** An STS GetCallerIdentity answer. */
export function stsIdentity(arn: string, account: string): Response {
  const body = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>${arn}</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
  return new Response(body, { status: 200, headers: { "content-type": "text/xml" } });
}

/** An SSM (JSON 1.1 protocol) error answer. */
export function ssmError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ __type: code, message }), {
    status,
    headers: { "content-type": "application/x-amz-json-1.1" },
  });
}

/** An SSM GetParameter answer. */
export function ssmParameter(name: string, value: string, version: number): Response {
  return new Response(
    JSON.stringify({ Parameter: { Name: name, Type: "String", Value: value, Version: version } }),
    { status: 200, headers: { "content-type": "application/x-amz-json-1.1" } },
  );
}

/** A TCP endpoint that accepts every connection and never sends a byte. */
export function silentListener(): { endpoint: string } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) held.push(conn);
    } catch { /* closed */ }
  })();
  return {
    endpoint: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of held) conn.close();
      await accepting;
    },
  };
}

const FULL_BACKLOG = `
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(0)
port = server.getsockname()[1]
fillers = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(c)
print(port, flush=True)
sys.stdin.read()
`;

/**
 * A TCP endpoint whose connect hangs: a Python listener with a backlog of 0 that never accepts,
 * its queue filled by its own connections, so the kernel drops further SYNs.
 */
export async function stalledConnect(): Promise<{ endpoint: string } & AsyncDisposable> {
  const child = new Deno.Command("python3", {
    args: ["-c", FULL_BACKLOG],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stalled-connect listener (python3) did not start");
    text += value;
  }
  await reader.cancel();
  const port = Number(text.trim());
  // Give the kernel a moment to queue the filler connections.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      await child.stdin.close();
      await child.status;
    },
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

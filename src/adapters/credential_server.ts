/**
 * The loopback credential endpoint of `sentinel exec --server`: an HTTP server on 127.0.0.1 (an
 * ephemeral port, never another interface) that answers an authorised GET of its one path in the
 * container-credentials format (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`). The
 * token is 256 random bits, compared in constant time (SHA-256 of both sides, then
 * `timingSafeEqual`); a request with another Host header is refused, which stops DNS-rebinding
 * pages even before the token would. Errors are JSON `{code, message}` and never hold a secret.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type {
  CredentialEndpoint,
  CredentialServer,
  ServedAnswer,
} from "../ports/credential_server.ts";

/** The one path the endpoint serves. */
export const CREDENTIALS_PATH = "/sentinel/credentials";

/** Whether `given` equals `expected`, in time that does not depend on where they differ. */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/** RFC 3339 UTC without milliseconds, as the SDKs expect. */
function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Starts one endpoint; see the module documentation. */
export function startCredentialEndpoint(
  answer: () => Promise<ServedAnswer>,
): Promise<CredentialEndpoint> {
  const token = randomToken();
  let port = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      if (url.pathname !== CREDENTIALS_PATH) {
        return reply(404, { code: "not_found", message: `only ${CREDENTIALS_PATH} is served` });
      }
      if (request.method !== "GET") {
        return reply(405, { code: "method_not_allowed", message: "use GET" }, { allow: "GET" });
      }
      const host = request.headers.get("host");
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        return reply(403, { code: "wrong_host", message: "only 127.0.0.1 is served" });
      }
      if (!tokensEqual(request.headers.get("authorization") ?? "", token)) {
        return reply(401, {
          code: "unauthorized",
          message: "missing or wrong AWS_CONTAINER_AUTHORIZATION_TOKEN",
        });
      }
      let served: ServedAnswer;
      try {
        served = await answer();
      } catch {
        served = { ok: false, status: 500, code: "internal_error", message: "internal error" };
      }
      if (!served.ok) return reply(served.status, { code: served.code, message: served.message });
      return reply(200, {
        AccessKeyId: served.credentials.accessKeyId,
        SecretAccessKey: served.credentials.secretAccessKey,
        Token: served.credentials.sessionToken,
        Expiration: rfc3339(served.expiresAt),
      });
    },
  );
  port = server.addr.port;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}${CREDENTIALS_PATH}`,
    token,
    close: () => server.shutdown(),
  });
}

/** The adapter behind the {@link CredentialServer} port. */
export const credentialServer: CredentialServer = { start: startCredentialEndpoint };

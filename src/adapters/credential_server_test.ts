/**
 * The loopback credential endpoint over real HTTP: only an authorised GET of its path with a
 * loopback Host gets an answer, in the container-credentials format; refusals carry the use
 * case's status; it listens on 127.0.0.1 only.
 */
import { assertEquals, assertMatch, assertTrue } from "../../test/assert.ts";
import type { ServedAnswer } from "../ports/credential_server.ts";
import { CREDENTIALS_PATH, startCredentialEndpoint, tokensEqual } from "./credential_server.ts";

const CREDENTIALS = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret",
  sessionToken: "session-token",
  expiration: Date.parse("2026-03-02T10:00:00Z"),
};

async function withEndpoint(
  answer: () => Promise<ServedAnswer>,
  fn: (url: string, token: string) => Promise<void>,
): Promise<void> {
  const endpoint = await startCredentialEndpoint(answer);
  try {
    await fn(endpoint.url, endpoint.token);
  } finally {
    await endpoint.close();
  }
}

/** A raw HTTP/1.1 GET with a Host header of our choice (fetch does not let one set Host). */
async function rawGet(url: string, host: string, token: string): Promise<string> {
  const { hostname, port, pathname } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const request =
    `GET ${pathname} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(request));
  return await new Response(conn.readable).text();
}

async function get(url: string, headers: Record<string, string> = {}, method = "GET") {
  const response = await fetch(url, { method, headers });
  return { status: response.status, body: await response.json() };
}

Deno.test("an authorised GET gets the container-credentials JSON with the served Expiration", async () => {
  let asked = 0;
  await withEndpoint(() => {
    asked++;
    return Promise.resolve({
      ok: true,
      credentials: CREDENTIALS,
      expiresAt: Date.parse("2026-03-02T09:55:00.250Z"),
    });
  }, async (url, token) => {
    assertMatch(url, new RegExp(`^http://127\\.0\\.0\\.1:\\d+${CREDENTIALS_PATH}$`));
    assertMatch(token, /^[A-Za-z0-9_-]{43}$/); // 256 bits
    const { status, body } = await get(url, { authorization: token });
    assertEquals(status, 200);
    assertEquals(body, {
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "secret",
      Token: "session-token",
      Expiration: "2026-03-02T09:55:00Z",
    });
    // localhost names the same endpoint.
    const local = await get(url.replace("127.0.0.1", "localhost"), { authorization: token });
    assertEquals(local.status, 200);
  });
  assertEquals(asked, 2);
});

Deno.test("attack: no token, a wrong token, another path, another method or another Host are refused before the use case is asked", async () => {
  let asked = 0;
  await withEndpoint(() => {
    asked++;
    return Promise.resolve({ ok: true, credentials: CREDENTIALS, expiresAt: 0 });
  }, async (url, token) => {
    assertEquals((await get(url)).status, 401);
    assertEquals((await get(url, { authorization: token.slice(0, -1) })).status, 401);
    assertEquals((await get(url, { authorization: `${token}x` })).status, 401);
    assertEquals((await get(url, { authorization: `Bearer ${token}` })).status, 401);
    assertEquals(
      (await get(url.replace(CREDENTIALS_PATH, "/"), { authorization: token })).status,
      404,
    );
    assertEquals((await get(url, { authorization: token }, "POST")).status, 405);
    // A DNS-rebinding page reaches the port under its own host name.
    const rebound = await rawGet(url, `evil.example.com:${new URL(url).port}`, token);
    assertMatch(rebound, /^HTTP\/1\.1 403 /);
    assertTrue(rebound.endsWith('{"code":"wrong_host","message":"only 127.0.0.1 is served"}'));
    const loopback = await rawGet(url, new URL(url).host, token);
    assertMatch(loopback, /^HTTP\/1\.1 200 /);
    const unauthorised = await get(url, { authorization: "wrong" });
    assertEquals(unauthorised.body, {
      code: "unauthorized",
      message: "missing or wrong AWS_CONTAINER_AUTHORIZATION_TOKEN",
    });
  });
  assertEquals(asked, 1); // only the loopback control
});

Deno.test("a refusal of the use case is passed on with its status; a crash is a bare 500", async () => {
  const answers: (() => Promise<ServedAnswer>)[] = [
    () => Promise.resolve({ ok: false, status: 403, code: "denied", message: "denied by rule x" }),
    () => Promise.reject(new Error("secret-looking internal detail")),
  ];
  let i = 0;
  await withEndpoint(() => answers[i++](), async (url, token) => {
    assertEquals(await get(url, { authorization: token }), {
      status: 403,
      body: { code: "denied", message: "denied by rule x" },
    });
    assertEquals(await get(url, { authorization: token }), {
      status: 500,
      body: { code: "internal_error", message: "internal error" },
    });
  });
});

Deno.test("attack: the endpoint listens on loopback only", async () => {
  const addresses = Deno.networkInterfaces()
    .filter((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    .map((i) => i.address);
  await withEndpoint(
    () => Promise.resolve({ ok: true, credentials: CREDENTIALS, expiresAt: 0 }),
    async (url) => {
      const port = Number(new URL(url).port);
      for (const hostname of addresses) {
        let connected = false;
        try {
          (await Deno.connect({ hostname, port })).close();
          connected = true;
        } catch { /* refused: as it should be */ }
        assertTrue(!connected, `the endpoint answered on ${hostname}:${port}`);
      }
    },
  );
});

Deno.test("tokensEqual: equal only for the same text, whatever the lengths", () => {
  assertTrue(tokensEqual("abc", "abc"));
  assertTrue(!tokensEqual("abc", "abd"));
  assertTrue(!tokensEqual("", "abc"));
  assertTrue(!tokensEqual("abc", "abcd"));
});

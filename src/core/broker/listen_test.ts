import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { brokerIdentity, parseListen } from "./listen.ts";

Deno.test("--listen takes HOST:PORT and [v6]:PORT, nothing else", () => {
  assertEquals(parseListen("127.0.0.1:8443"), {
    ok: true,
    value: { hostname: "127.0.0.1", port: 8443 },
  });
  assertEquals(parseListen("[::1]:80"), { ok: true, value: { hostname: "::1", port: 80 } });
  for (const bad of ["8443", "host", "host:", "host:65536", "http://h:1", "h:1/x", " :1"]) {
    assertEquals(parseListen(bad).ok, false, bad);
  }
});

Deno.test("plain HTTP is for loopback, or behind a TLS proxy said explicitly; the broker id is the listen origin unless it cannot be", () => {
  const at = (hostname: string, port = 8443) => ({ hostname, port });
  assertEquals(brokerIdentity({ listen: at("127.0.0.1"), tls: false, behindTlsProxy: false }), {
    ok: true,
    value: "http://127.0.0.1:8443",
  });
  assertEquals(brokerIdentity({ listen: at("::1"), tls: false, behindTlsProxy: false }), {
    ok: true,
    value: "http://[::1]:8443",
  });
  const clear = brokerIdentity({ listen: at("10.0.0.5"), tls: false, behindTlsProxy: false });
  assertTrue(!clear.ok && clear.why.includes("--behind-tls-proxy"));
  const proxied = brokerIdentity({ listen: at("10.0.0.5"), tls: false, behindTlsProxy: true });
  assertTrue(
    !proxied.ok && proxied.why.includes("--broker-id"),
    "behind a proxy the id must be named",
  );
  assertEquals(
    brokerIdentity({
      listen: at("0.0.0.0"),
      tls: true,
      behindTlsProxy: false,
      brokerId: "https://sentinel.example.com/",
    }),
    { ok: true, value: "https://sentinel.example.com" },
  );
  for (const id of ["sentinel.example.com", "https://s.example.com/path", "ftp://s.example.com"]) {
    const named = brokerIdentity({
      listen: at("0.0.0.0"),
      tls: true,
      behindTlsProxy: false,
      brokerId: id,
    });
    assertEquals(named.ok, false, id);
  }
  assertEquals(
    brokerIdentity({ listen: at("0.0.0.0"), tls: true, behindTlsProxy: false }).ok,
    false,
  );
});

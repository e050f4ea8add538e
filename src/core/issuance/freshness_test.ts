import { assertEquals } from "../../../test/assert.ts";
import { identityTrusted, sessionReusable, withinTtl } from "./freshness.ts";

const NOW = 1_000_000_000_000;

Deno.test("withinTtl: at the TTL's edge, in the past and in the future", () => {
  const cases: [number, number, boolean][] = [
    [NOW, 300, true], // fetched just now
    [NOW - 299_999, 300, true], // one millisecond before the TTL lapses
    [NOW - 300_000, 300, false], // exactly at the TTL
    [NOW + 1, 300, false], // stamped one millisecond in the future
    [NOW + 86_400_000, 300, false], // a clock that was a day ahead
    [NOW, 0, false], // a TTL of zero never reuses
  ];
  for (const [stampedAt, ttl, expected] of cases) {
    assertEquals(withinTtl(stampedAt, ttl, NOW), expected, `${stampedAt - NOW} ms, ttl ${ttl}`);
  }
});

Deno.test("sessionReusable: issued in the future, lasting longer than issued for, near expiry, window closed", () => {
  const base = {
    issuedAt: NOW - 60_000,
    expiration: NOW + 3_540_000,
    sessionDurationSeconds: 3600,
    refreshWindowSeconds: 300,
  };
  assertEquals(sessionReusable(base, NOW), true);
  assertEquals(sessionReusable({ ...base, issuedAt: NOW + 1 }, NOW), false);
  assertEquals(sessionReusable({ ...base, expiration: NOW + 86_400_000 }, NOW), false);
  assertEquals(sessionReusable({ ...base, expiration: NOW + 300_000 }, NOW), false);
  assertEquals(sessionReusable({ ...base, expiration: NOW + 300_001 }, NOW), true);
  assertEquals(sessionReusable({ ...base, windowEndsAt: NOW }, NOW), false);
  assertEquals(sessionReusable({ ...base, windowEndsAt: NOW + 1 }, NOW), true);
});

Deno.test("identityTrusted: verified in the future or past its credential's end is not trusted", () => {
  assertEquals(identityTrusted(NOW - 1, NOW + 1, NOW), true);
  assertEquals(identityTrusted(NOW + 1, NOW + 10, NOW), false);
  assertEquals(identityTrusted(NOW - 10, NOW, NOW), false);
});

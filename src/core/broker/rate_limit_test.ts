import { assertEquals } from "../../../test/assert.ts";
import { RateLimiter, RecentlyProven } from "./rate_limit.ts";

Deno.test("a caller gets its burst at once, then one call per refill; another caller is not affected", () => {
  const limits = new RateLimiter({ perSecond: 2, burst: 3, maxKeys: 10 });
  const burst = [0, 0, 0, 0].map(() => limits.take("alice", 1_000).ok);
  assertEquals(burst, [true, true, true, false]);
  assertEquals(limits.take("alice", 1_000), { ok: false, retryAfterMs: 500 });
  assertEquals(limits.take("bob", 1_000).ok, true);
  assertEquals(limits.take("alice", 1_500).ok, true);
  assertEquals(limits.take("alice", 1_500).ok, false);
});

Deno.test("the table of buckets stays within maxKeys: made-up keys evict the least recently used", () => {
  const limits = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 100 });
  limits.take("alice", 0);
  for (let i = 0; i < 10_000; i++) limits.take(`AKIA${i}`, 0);
  assertEquals(limits.size, 100);
  assertEquals(limits.take("alice", 0).ok, true, "alice was forgotten, so starts full");
});

Deno.test("a clock that goes back never mints tokens", () => {
  const limits = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 10 });
  assertEquals(limits.take("alice", 10_000).ok, true);
  assertEquals(limits.take("alice", 0).ok, false);
  assertEquals(limits.take("alice", 10_999).ok, false);
  assertEquals(limits.take("alice", 11_000).ok, true);
});

Deno.test("a proven key is remembered for its time after its last proof, and the set stays within maxKeys", () => {
  const proven = new RecentlyProven({ forMs: 1_000, maxKeys: 100 });
  proven.add("alice 10.0.0.7", 0);
  assertEquals(proven.has("alice 10.0.0.7", 999), true);
  assertEquals(proven.has("alice 10.0.0.8", 999), false, "another address is a newcomer");
  proven.add("alice 10.0.0.7", 900);
  assertEquals(proven.has("alice 10.0.0.7", 1_899), true, "each proof renews it");
  assertEquals(proven.has("alice 10.0.0.7", 1_900), false);
  proven.add("alice 10.0.0.7", 2_000);
  for (let i = 0; i < 1_000; i++) proven.add(`AKIA${i} 10.0.0.9`, 2_000);
  assertEquals(proven.has("alice 10.0.0.7", 2_000), false, "evicted, least recently proven");
  assertEquals(proven.has("AKIA999 10.0.0.9", 2_000), true);
});

import { assertEquals } from "../../../test/assert.ts";
import { sessionLength, sessionUseSeconds } from "./session.ts";

Deno.test("session length: requested, capped by the rule and STS, never below 900 s", () => {
  assertEquals(sessionLength({}), { ok: true, seconds: 3600 });
  assertEquals(sessionLength({ requestedSeconds: 7200, ruleMaxSeconds: 3600 }), {
    ok: true,
    seconds: 3600,
  });
  assertEquals(sessionLength({ requestedSeconds: 100_000 }), { ok: true, seconds: 43_200 });
  assertEquals(sessionLength({ requestedSeconds: 600 }), { ok: true, seconds: 900 });
});

Deno.test("a window caps the session; under 15 minutes left, nothing fits", () => {
  const now = 1_000_000;
  assertEquals(sessionLength({ windowEndsAt: now + 1_800_000, now }), { ok: true, seconds: 1800 });
  assertEquals(sessionLength({ windowEndsAt: now + 900_000, now }), { ok: true, seconds: 900 });
  assertEquals(sessionLength({ windowEndsAt: now + 899_999, now }), {
    ok: false,
    remainingSeconds: 899,
  });
  assertEquals(sessionLength({ windowEndsAt: now - 5_000, now }), {
    ok: false,
    remainingSeconds: 0,
  });
  assertEquals(
    sessionLength({ requestedSeconds: 1200, windowEndsAt: now + 7_200_000, now }),
    { ok: true, seconds: 1200 },
  );
});

Deno.test("a refresh window must leave some use in the session", () => {
  assertEquals(sessionUseSeconds(3600, 300), 3300);
  assertEquals(sessionUseSeconds(900, 892), 8);
  assertEquals(sessionUseSeconds(900, 895), 5);
  assertEquals(sessionUseSeconds(900, 896), undefined);
  assertEquals(sessionUseSeconds(900, 898), undefined);
  assertEquals(sessionUseSeconds(3600, 3600), undefined);
});

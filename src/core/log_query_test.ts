import { assertEquals } from "../../test/assert.ts";
import { isEffect, parseLogText, parseSince, selectDecisions } from "./log_query.ts";

const NOW = Date.parse("2026-03-02T10:00:00Z");
const record = (time: string, user: string, profile: string, effect: string) => ({
  type: "decision",
  time,
  user,
  profile,
  effect,
});

Deno.test("log lines: objects kept, torn and foreign lines counted", () => {
  const { records, skipped } = parseLogText(
    '{"type":"decision","effect":"allow"}\n\n[1]\n{"torn":\n"text"\n{"type":"log_repair"}\n',
  );
  assertEquals(records.length, 2);
  assertEquals(skipped, 3);
});

Deno.test("decisions are filtered by profile, user, effect and time; repairs never shown", () => {
  const records = [
    record("2026-03-02T08:00:00.000Z", "alice", "prod", "allow"),
    record("2026-03-02T09:30:00.000Z", "bob", "prod", "deny"),
    { type: "log_repair", time: "2026-03-02T09:40:00.000Z", effect: "deny" },
    record("2026-03-02T09:50:00.000Z", "alice", "dev", "require_approval"),
    record("not a time", "alice", "dev", "allow"),
  ];
  const users = (filter: Parameters<typeof selectDecisions>[1], limit?: number) =>
    selectDecisions(records, filter, limit).map((r) => `${r.user}/${r.profile}/${r.effect}`);
  assertEquals(users({}), [
    "alice/prod/allow",
    "bob/prod/deny",
    "alice/dev/require_approval",
    "alice/dev/allow",
  ]);
  assertEquals(users({ profile: "prod" }), ["alice/prod/allow", "bob/prod/deny"]);
  assertEquals(users({ user: "alice", effect: "allow" }), ["alice/prod/allow", "alice/dev/allow"]);
  assertEquals(users({ since: NOW - 3600_000 }), ["bob/prod/deny", "alice/dev/require_approval"]);
  assertEquals(users({}, 2), ["alice/dev/require_approval", "alice/dev/allow"]);
  assertEquals(users({}, 0), []);
});

Deno.test("--since takes a duration back from now or an RFC 3339 time", () => {
  assertEquals(parseSince("1h", NOW), { ok: true, epochMs: NOW - 3600_000 });
  assertEquals(parseSince("2d", NOW), { ok: true, epochMs: NOW - 2 * 86_400_000 });
  assertEquals(parseSince("90", NOW), { ok: true, epochMs: NOW - 90_000 });
  assertEquals(parseSince("2026-03-01T00:00:00+01:00", NOW), {
    ok: true,
    epochMs: Date.parse("2026-02-28T23:00:00Z"),
  });
  for (const bad of ["yesterday", "2026-02-30T00:00:00Z", "-1h", ""]) {
    assertEquals(parseSince(bad, NOW).ok, false, bad);
  }
  assertEquals(["allow", "deny", "require_approval", "permit"].map(isEffect), [
    true,
    true,
    true,
    false,
  ]);
});

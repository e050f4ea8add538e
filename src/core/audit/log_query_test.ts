import { assertEquals } from "../../../test/assert.ts";
import {
  isEffect,
  parseLogText,
  parseSince,
  parseTypes,
  recordType,
  selectRecords,
} from "./log_query.ts";

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

Deno.test("every kind of record is shown and filtered by kind, profile, user, effect and time", () => {
  const records = [
    record("2026-03-02T08:00:00.000Z", "alice", "prod", "allow"),
    record("2026-03-02T09:30:00.000Z", "bob", "prod", "deny"),
    { type: "log_repair", time: "2026-03-02T09:40:00.000Z", removed_bytes: 3 },
    record("2026-03-02T09:50:00.000Z", "alice", "dev", "require_approval"),
    record("not a time", "alice", "dev", "allow"),
    {
      type: "approval",
      time: "2026-03-02T09:55:00.000Z",
      actor: "carol",
      requester: "alice",
      profile: "prod",
      to: "approved",
    },
    {
      type: "breakglass",
      time: "2026-03-02T09:56:00.000Z",
      actor: "dave",
      invoker: "dave",
      profile: "prod",
      action: "invoked",
    },
    { type: "someone_elses", time: "2026-03-02T09:57:00.000Z", user: "alice" },
  ];
  const shown = (filter: Parameters<typeof selectRecords>[1], limit?: number) =>
    selectRecords(records, filter, limit).map((r) =>
      r.type === "decision" ? `${r.user}/${r.profile}/${r.effect}` : String(r.type)
    );
  assertEquals(shown({}), [
    "alice/prod/allow",
    "bob/prod/deny",
    "log_repair",
    "alice/dev/require_approval",
    "alice/dev/allow",
    "approval",
    "breakglass",
  ]);
  assertEquals(shown({ profile: "prod" }), [
    "alice/prod/allow",
    "bob/prod/deny",
    "approval",
    "breakglass",
  ]);
  assertEquals(shown({ user: "alice", effect: "allow" }), ["alice/prod/allow", "alice/dev/allow"]);
  assertEquals(shown({ user: "alice", profile: "prod" }), ["alice/prod/allow", "approval"]);
  assertEquals(shown({ user: "dave" }), ["breakglass"]);
  assertEquals(shown({ types: ["approval", "breakglass"] }), ["approval", "breakglass"]);
  assertEquals(shown({ types: ["decision"], since: NOW - 3600_000 }), [
    "bob/prod/deny",
    "alice/dev/require_approval",
  ]);
  assertEquals(shown({}, 2), ["approval", "breakglass"]);
  assertEquals(shown({}, 0), []);
  assertEquals(recordType({ effect: "allow" }), "decision"); // Sentinel v1's lines have no type
});

Deno.test("--type takes kinds separated by commas, repair for log_repair, and names the kinds on a typo", () => {
  assertEquals(parseTypes("breakglass, approval"), {
    ok: true,
    types: ["breakglass", "approval"],
  });
  assertEquals(parseTypes("repair"), { ok: true, types: ["log_repair"] });
  const typo = parseTypes("decisions");
  assertEquals(typo.ok, false);
  assertEquals(
    !typo.ok && typo.message,
    '"decisions" is not a kind of log record: use decision, approval, breakglass, revocation, policy_change, log_repair (several with commas)',
  );
  assertEquals(parseTypes(",").ok, false);
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

/**
 * `sentinel log`, `sentinel audit verify` and `sentinel cache` in process, on the decision log and
 * cache the fakes keep: every record shown (filters, JSON lines), the hash chain verified and a
 * broken one found (9), and the cache listed and cleared.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeTeam } from "../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
`;

async function teamWithHistory() {
  const team = new FakeTeam({ policy: POLICY });
  await team.run(["credentials", "prod"]);
  team.setPolicy(POLICY.replace("[alice]", "[bob]"));
  team.clock.advance(60_000);
  await team.run(["credentials", "prod", "--no-cache"]);
  return team;
}

Deno.test("log shows every decision as a table, and each record as one JSON line with --output json", async () => {
  const team = await teamWithHistory();
  const table = await team.run(["log"]);
  assertEquals(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assertEquals(lines.length, 3, "a header and two records");
  assertIncludes(lines[1], "issued");
  assertIncludes(lines[2], "denied");
  const json = await team.run(["log", "-o", "json"]);
  const records = json.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
  assertEquals(records.map((r) => [r.outcome, r.user, r.profile]), [
    ["issued", "alice", "prod"],
    ["denied", "alice", "prod"],
  ]);
});

Deno.test("log filters by --effect, --since and --limit; a bad filter is a usage error (2)", async () => {
  const team = await teamWithHistory();
  const denies = await team.run(["log", "--effect", "deny", "-o", "json"]);
  assertEquals(denies.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).outcome), ["denied"]);
  const recent = await team.run(["log", "--since", "30s", "-o", "json"]);
  assertEquals(recent.stdout.trimEnd().split("\n").length, 1);
  const last = await team.run(["log", "--limit", "1", "-o", "json"]);
  assertEquals(JSON.parse(last.stdout).outcome, "denied");
  const bad = await team.run(["log", "--since", "yesterday-ish"]);
  assertEquals(bad.code, 2);
  const type = await team.run(["log", "--type", "gossip"]);
  assertEquals(type.code, 2);
});

Deno.test("log before anything was logged says so on stderr (exit 0)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const run = await team.run(["log"]);
  assertEquals([run.code, run.stdout], [0, ""]);
  assertIncludes(
    run.stderr,
    "nothing logged yet: /home/alice/.local/state/sentinel/decisions.jsonl does not exist",
  );
});

Deno.test("audit verify finds the chain intact, and the line after an edit broken (exit 9)", async () => {
  const team = await teamWithHistory();
  const file = team.env().paths.defaultLogFile;
  const intact = await team.run(["audit", "verify"]);
  assertEquals([intact.code, intact.stdout], [0, `${file}: intact, 2 lines\n`]);
  team.files.set(file, team.files.get(file)!.replace('"user":"alice"', '"user":"mallory"'));
  const broken = await team.run(["audit", "verify", "-o", "json"]);
  assertEquals(broken.code, 9);
  assertEquals(broken.json(), {
    file,
    intact: false,
    lines: 2,
    line: 2,
    problem: "does not follow line 1: line 1 was edited, or lines between them were deleted",
  });
  const missing = await team.run(["audit", "verify", "/nowhere.jsonl"]);
  assertEquals(missing.code, 3);
});

Deno.test("cache list shows the cached sessions without secrets; cache clear removes them (and refuses a profile that exists nowhere: 2)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const issued = JSON.parse((await team.run(["credentials", "prod"])).stdout);
  const list = await team.run(["cache", "list", "-o", "json"]);
  const sessions = list.json().sessions as Record<string, unknown>[];
  assertEquals(sessions.map((s) => [s.profile, s.user, s.expired]), [["prod", "alice", false]]);
  assertEquals(list.stdout.includes(issued.SecretAccessKey), false);
  const text = await team.run(["cache", "list"]);
  assertIncludes(text.stdout, "prod");
  const unknown = await team.run(["cache", "clear", "prdo", "-o", "json"]);
  assertEquals([unknown.code, unknown.error().code], [2, "unknown_profile"]);
  const cleared = await team.run(["cache", "clear", "prod"]);
  assertEquals([cleared.code, cleared.stdout], [0, "removed 1 cached session of prod\n"]);
  const everything = await team.run(["cache", "clear", "-o", "json"]);
  assertEquals(everything.json(), { profile: null, sessions: 0, policies: 1, identities: 1 });
  const empty = await team.run(["cache", "list"]);
  assertIncludes(empty.stdout, "no cached sessions in");
});

/**
 * `sentinel requests` (alias `list`), `requests show` and `requests sweep` in process: the table
 * and JSON of the store's requests, filters, paging, a damaged record named on stderr, lazy
 * expiry, and the refusals (an unknown id: 2; a bad --limit: 2; a misplaced --profile: 2).
 */
import { assertEquals, assertIncludes, assertTrue } from "../../test/assert.ts";
import { APPROVAL_POLICY, REQUEST_JSON_KEYS } from "../../test/support/cli_policies.ts";
import { FakeTeam, STORE } from "../../test/support/fake_team.ts";

async function teamWithRequests(n: number) {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const run = await team.run(["request", "prod", "-r", `r${i}`, "--anyway", "-o", "json"]);
    ids.push(String(run.json().id));
    team.clock.advance(1000);
  }
  return { team, ids };
}

Deno.test("requests lists newest first as a table naming the store, and as JSON with next_cursor", async () => {
  const { team, ids } = await teamWithRequests(3);
  const text = await team.run(["requests"]);
  assertEquals([text.code, text.stderr], [0, ""]);
  const rows = text.stdout.split("\n").filter((line) => /^[0-9a-f]{16} /.test(line));
  assertEquals(rows.map((row) => row.slice(0, 16)), [...ids].reverse());
  assertIncludes(text.stdout, `(store: ${STORE}`);

  const json = await team.run(["list", "--output", "json", "--limit", "2"]);
  const page = json.json() as { requests: Record<string, unknown>[]; next_cursor: string };
  assertEquals(page.requests.map((r) => r.id), [ids[2], ids[1]]);
  assertEquals(
    Object.keys(page.requests[0]),
    REQUEST_JSON_KEYS.filter((k) => !k.startsWith("store")),
  );
  const rest = await team.run([
    "requests",
    "-o",
    "json",
    "--limit",
    "2",
    "--cursor",
    page.next_cursor,
  ]);
  assertEquals((rest.json().requests as { id: string }[]).map((r) => r.id), [ids[0]]);
  assertEquals(rest.json().next_cursor, null);
});

Deno.test("requests filters by --status, --for-profile and --mine (identified by STS)", async () => {
  const { team, ids } = await teamWithRequests(2);
  await team.run(["approve", ids[0], "--aws-profile", "bob"]);
  const pending = await team.run(["requests", "--status", "pending", "-o", "json"]);
  assertEquals((pending.json().requests as { id: string }[]).map((r) => r.id), [ids[1]]);
  const none = await team.run(["requests", "--for-profile", "staging", "-o", "json"]);
  assertEquals(none.json().requests, []);
  const bobs = await team.run(["requests", "--mine", "--aws-profile", "bob", "-o", "json"]);
  assertEquals(bobs.json().requests, [], "bob asked for nothing");
  const alices = await team.run(["requests", "--mine", "--aws-profile", "alice", "-o", "json"]);
  assertEquals((alices.json().requests as unknown[]).length, 2);
});

Deno.test("requests show prints one request, expired once its time is up, and refuses an unknown id (exit 2, not_found)", async () => {
  const { team, ids } = await teamWithRequests(1);
  const shown = await team.run(["requests", "show", ids[0]]);
  assertEquals(shown.code, 0, shown.stderr);
  assertIncludes(shown.stdout, ids[0]);
  assertIncludes(shown.stdout, `store:     ${STORE}`);
  team.clock.advance(25 * 3_600_000);
  const json = await team.run(["requests", "show", ids[0], "-o", "json"]);
  assertEquals([json.json().id, json.json().status], [ids[0], "expired"]);
  const missing = await team.run(["requests", "show", "00000000000000ff", "-o", "json"]);
  assertEquals([missing.code, missing.error().code], [2, "not_found"]);
});

Deno.test("requests sweep expires what is due and says how many", async () => {
  const { team } = await teamWithRequests(2);
  team.clock.advance(25 * 3_600_000);
  const swept = await team.run(["requests", "sweep", "--aws-profile", "bob"]);
  assertEquals(
    swept.stdout,
    `2 request(s) expired, 0 ended window(s) revoked, in the store ${STORE} (from store in /home/alice/.config/sentinel/config.yaml)\n`,
  );
  const again = await team.run(["requests", "sweep", "--aws-profile", "bob", "-o", "json"]);
  assertEquals(again.json().expired, 0);
});

Deno.test("a damaged request is named on stderr and left out; the rest are listed (exit 0)", async () => {
  const { team, ids } = await teamWithRequests(2);
  const row = team.stores.state(STORE)!.requests.get(ids[0])!;
  row.body = "{not json";
  const run = await team.run(["requests", "-o", "json"]);
  assertEquals(run.code, 0);
  assertEquals((run.json().requests as { id: string }[]).map((r) => r.id), [ids[1]]);
  assertIncludes(
    run.stderr,
    `request ${ids[0]} in the in-memory store ${STORE} is damaged (its body is not JSON)`,
  );
  const shown = await team.run(["requests", "show", ids[0], "-o", "json"]);
  assertEquals([shown.code, shown.error().code], [3, "store_damaged"]);
});

Deno.test("requests usage errors: a bad --limit, a bad --status, --profile where --for-profile was meant (exit 2)", async () => {
  const { team } = await teamWithRequests(1);
  const limit = await team.run(["requests", "--limit", "0"]);
  assertEquals(limit.code, 2);
  assertIncludes(limit.stderr, '--limit "0" must be a whole number from 1 to 1000');
  const status = await team.run(["requests", "--status", "done", "-o", "json"]);
  assertEquals([status.code, status.error().code], [2, "usage"]);
  const profile = await team.run(["requests", "--profile", "prod"]);
  assertEquals(profile.code, 2);
  assertIncludes(profile.stderr, "to see only prod's records use --for-profile prod");
});

Deno.test("reading requests never creates a store: a missing one says so (exit 3, store_missing)", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run(["requests", "-o", "json"]);
  assertEquals([run.code, run.error().code], [3, "store_missing"]);
  assertTrue(team.stores.state(STORE) === undefined);
});

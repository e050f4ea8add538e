/**
 * Attacks on issuance and the approval commands when the store misbehaves:
 *
 * - a denial is never logged when the store cannot be read: for any decision other than allow,
 *   issuance looks for a break-glass event / an approval *before* it logs, so a broken store (or a
 *   hung DynamoDB) turns a policy denial into exit 3/6 with no decision-log line and no
 *   `credential_denied` notice (DESIGN §7: "every decision, allow or deny, is logged";
 *   src/app/issue_credentials.ts issueLocked → coversFor before record);
 * - a damaged row (body not JSON) is reported as "internal error … this is a bug" (exit 1), where
 *   a damaged store file is exit 3 with what to do (src/adapters/stores/sqlite.ts listPage parses
 *   bodies outside `c.read`); since issue 17 a list names the damaged row and shows the rest
 *   (exit 0), and asking for that row is exit 3 (test/security/store_damaged_records_test.ts);
 * - an approval written by an approver whose clock was ahead keeps the access window open for as
 *   long as the clock was ahead (issuance trusts `windowEndsAt` as stored; the cache already
 *   treats a future stamp as stale) (src/app/approvals.ts approvalCover).
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { startTeam } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob], max_duration: 2h }
`;

function sqlite(db: string, sql: string): string {
  const out = new Deno.Command("sqlite3", { args: [db, sql] }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("attack: with the store unreadable, a require_approval refusal is still logged", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  // The store path is a directory: SQLite cannot open it.
  const run = await t.run(["credentials", "prod"], { SENTINEL_STORE: `sqlite:${t.home.dir}` });
  assertTrue(run.code !== 0 && run.stdout === "", run.stdout);
  const denied = (await t.home.readLog()).filter((r) =>
    r.type === "decision" && r.outcome === "denied"
  );
  assertEquals(
    denied.length,
    1,
    `the refusal (exit ${run.code}: ${run.stderr.trim()}) left no decision-log line`,
  );
});

Deno.test("attack: a damaged request row is named as damaged (list: skipped, exit 0; show: exit 3), not as a bug", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const created = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
  assertEquals(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id;
  sqlite(
    t.store.slice("sqlite:".length),
    `UPDATE requests SET body = 'not json' WHERE id = '${id}'`,
  );
  for (const [args, code] of [[["requests"], 0], [["requests", "show", id], 3]] as const) {
    const run = await t.run([...args], { AWS_PROFILE: "bob" });
    assertEquals(run.code, code, `${args.join(" ")}: ${run.stderr}`);
    assertTrue(run.stderr.includes(`${id} in the SQLite store`), run.stderr);
    assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
  }
});

Deno.test("attack: an approval stamped by a clock 24h ahead does not keep the window open for a day", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const created = await t.run([
    "request",
    "prod",
    "--reason",
    "deploy",
    "--duration",
    "1h",
    "--output",
    "json",
  ]);
  assertEquals(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  // What bob's Sentinel would have written two hours ago with its clock 24 h ahead: approved at
  // (now - 2h + 24h), window until one hour after that. The real window closed an hour ago.
  const decidedAt = Date.now() - 2 * 3_600_000 + 86_400_000;
  const windowEndsAt = decidedAt + 3_600_000;
  sqlite(
    t.store.slice("sqlite:".length),
    `UPDATE requests SET window_ends_at = ${windowEndsAt}, body = json_set(body, ` +
      `'$.decidedAt', ${decidedAt}, '$.updatedAt', ${decidedAt}, '$.windowEndsAt', ${windowEndsAt}, ` +
      `'$.approvals[0].at', ${decidedAt}) WHERE id = '${id}'`,
  );
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    "an approval from the future (window ends in 23 h for a 1 h request) issued credentials",
  );
});

/**
 * Damaged records in the store: a body that is not JSON, a bare `{"id":…}`, or a field of the
 * wrong type, written straight into the SQLite file or the DynamoDB table (on moto).
 *
 * - Lists name each damaged record on stderr and show the rest (exit 0).
 * - Asking for that record by id (`requests show`, `approve`, `breakglass show/close/review`) is a
 *   clear error naming it and the store (exit 3, `store_damaged`), never "this is a bug".
 * - Issuance treats a damaged approval or break-glass event as granting nothing: it refuses, it
 *   never crashes and never grants.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { sqlite } from "../harness/team_store.ts";
import { startTeam, type Team } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob], max_duration: 2h }
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
    reviewers: [carol]
`;

type Kind = "request" | "event";

/** Rewrites the stored body of one record, as another program (or a bad restore) would. */
async function editRecord(t: Team, kind: Kind, id: string, edit: (body: string) => string) {
  if (t.store.startsWith("sqlite:")) {
    const db = t.store.slice("sqlite:".length);
    const table = kind === "request" ? "requests" : "events";
    const body = sqlite(db, `SELECT body FROM ${table} WHERE id = '${id}'`).trimEnd();
    assertTrue(body !== "", `no ${kind} ${id} in ${db}`);
    sqlite(
      db,
      `UPDATE ${table} SET body = '${edit(body).replaceAll("'", "''")}' WHERE id = '${id}'`,
    );
    return;
  }
  const env = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const table = t.store.slice("dynamodb:".length);
  const key = JSON.stringify({ pk: { S: `${kind}#${id}` }, sk: { S: kind } });
  const got = await aws(
    ["dynamodb", "get-item", "--table-name", table, "--key", key, "--consistent-read"],
    env,
  );
  assertEquals(got.code, 0, got.stderr);
  const body = JSON.parse(got.stdout).Item.doc.S as string;
  const put = await aws([
    "dynamodb",
    "update-item",
    "--table-name",
    table,
    "--key",
    key,
    "--update-expression",
    "SET doc = :doc",
    "--expression-attribute-values",
    JSON.stringify({ ":doc": { S: edit(body) } }),
  ], env);
  assertEquals(put.code, 0, put.stderr);
}

/** `{"id":…}` with the rest of the record gone. */
const bare = (body: string) => JSON.stringify({ id: JSON.parse(body).id });
/** One field changed to a value of the wrong type. */
const retyped = (field: string, value: unknown) => (body: string) =>
  JSON.stringify({ ...JSON.parse(body), [field]: value });

function storeName(t: Team): string {
  return t.store.slice(t.store.indexOf(":") + 1);
}

function assertDamagedError(run: { code: number; stderr: string }, id: string, t: Team) {
  assertEquals(run.code, 3, run.stderr);
  const error = JSON.parse(run.stderr);
  assertEquals(error.error, "store_damaged", run.stderr);
  assertIncludes(error.message, id);
  assertIncludes(error.message, storeName(t));
  assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
}

async function newRequest(t: Team): Promise<string> {
  const created = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
  assertEquals(created.code, 0, created.stderr);
  return JSON.parse(created.stdout).id;
}

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`a damaged record in the store is named and skipped; requests lists the rest (${store})`, async () => {
    await using t = await startTeam({ store, policy: POLICY });
    const [intact, notJson, bareId, wrongType] = [
      await newRequest(t),
      await newRequest(t),
      await newRequest(t),
      await newRequest(t),
    ];
    await editRecord(t, "request", notJson, () => "{not json");
    await editRecord(t, "request", bareId, bare);
    await editRecord(t, "request", wrongType, retyped("durationSeconds", "3600"));
    const bob = { AWS_PROFILE: "bob" };

    const listed = await t.run(["requests", "--output", "json"], bob);
    assertEquals(listed.code, 0, listed.stderr);
    assertEquals(JSON.parse(listed.stdout).requests.map((r: { id: string }) => r.id), [intact]);
    for (
      const [id, why] of [
        [notJson, "not JSON"],
        [bareId, "the field requester is missing"],
        [wrongType, "the field durationSeconds is the text"],
      ]
    ) {
      const line = listed.stderr.split("\n").find((l) => l.includes(id)) ?? "";
      assertIncludes(line, "damaged", listed.stderr);
      assertIncludes(line, why);
      assertIncludes(line, storeName(t));
    }
    const table = await t.run(["requests"], bob);
    assertEquals(table.code, 0, table.stderr);
    assertIncludes(table.stdout, intact);

    for (const id of [notJson, bareId, wrongType]) {
      assertDamagedError(await t.run(["requests", "show", id, "--output", "json"], bob), id, t);
    }
    assertDamagedError(await t.as("bob", ["approve", bareId, "--output", "json"]), bareId, t);
    assertDamagedError(await t.as("alice", ["cancel", notJson, "--output", "json"]), notJson, t);
    // The intact request is still served and can be acted on.
    const shown = await t.run(["requests", "show", intact, "--output", "json"], bob);
    assertEquals(shown.code, 0, shown.stderr);
    assertEquals((await t.as("bob", ["approve", intact])).code, 0);
  });

  Deno.test(`a damaged approval or break-glass event grants nothing and is refused by id (${store})`, async () => {
    await using t = await startTeam({ store, policy: POLICY });
    const id = await newRequest(t);
    assertEquals((await t.as("bob", ["approve", id])).code, 0);
    const granted = await t.run(["credentials", "prod", "--no-cache"]);
    assertEquals(
      granted.code,
      0,
      `the approval did not grant before it was damaged: ${granted.stderr}`,
    );
    await editRecord(t, "request", id, retyped("status", 7));
    const refused = await t.run(["credentials", "prod", "--no-cache"]);
    assertEquals(refused.stdout, "", "a damaged approval issued credentials");
    assertEquals(refused.code, 5, refused.stderr);
    assertTrue(!refused.stderr.includes("this is a bug"), refused.stderr);

    const invoked = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "INC-1",
      "--output",
      "json",
    ]);
    assertEquals(invoked.code, 0, invoked.stderr);
    const event = JSON.parse(invoked.stdout).id;
    const opened = await t.run(["credentials", "prod", "--no-cache"]);
    assertEquals(
      opened.code,
      0,
      `break-glass did not grant before it was damaged: ${opened.stderr}`,
    );
    await editRecord(t, "event", event, retyped("endsAt", "tomorrow"));
    const closed = await t.run(["credentials", "prod", "--no-cache"]);
    assertEquals(closed.stdout, "", "a damaged break-glass event issued credentials");
    assertEquals(closed.code, 5, closed.stderr);

    const listed = await t.as("carol", ["breakglass", "list", "--output", "json"]);
    assertEquals(listed.code, 0, listed.stderr);
    assertEquals(JSON.parse(listed.stdout).events, []);
    assertIncludes(listed.stderr, `break-glass event ${event}`);
    assertIncludes(listed.stderr, "the field endsAt is the text");
    for (
      const args of [
        ["breakglass", "show", event],
        ["breakglass", "close", event, "--reason", "done"],
        ["breakglass", "review", event, "--notes", "fine"],
      ]
    ) {
      assertDamagedError(await t.as("carol", [...args, "--output", "json"]), event, t);
    }
  });
}

Deno.test("a request row whose body is not JSON is named as damaged, never as a bug: requests skips it (exit 0), requests show refuses it (exit 3)", async () => {
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

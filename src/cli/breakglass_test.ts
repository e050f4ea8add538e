/**
 * `sentinel breakglass` and its subcommands (list, show, close, review) and Sentinel v1's
 * spellings (breakglass-list, breakglass-check, breakglass-close) in process: what the invoker is
 * told, the JSON of an event, and each refusal with its exit code. The real CLI against moto:
 * test/breakglass_e2e_test.ts and test/security/breakglass_loud_limited_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { APPROVAL_POLICY, EVENT_JSON_KEYS } from "../../test/support/cli_policies.ts";
import { pluginEntry } from "../../test/support/fake_plugins.ts";
import { FakeTeam, STORE } from "../../test/support/fake_team.ts";

const INVOKE = ["breakglass", "prod", "--reason-code", "incident", "-j", "INC-7 checkout down"];

async function invoked(
  options: ConstructorParameters<typeof FakeTeam>[0] = { policy: APPROVAL_POLICY },
) {
  const team = new FakeTeam(options);
  const run = await team.run([...INVOKE, "-o", "json"]);
  if (run.code !== 0) throw new Error(run.stderr);
  return { team, id: String(run.json().id) };
}

Deno.test("breakglass says until when the profile is open, that every notifier was told, and how to use and end it", async () => {
  const team = new FakeTeam({
    policy: APPROVAL_POLICY,
    plugins: [pluginEntry("pager", "notifier")],
  });
  const run = await team.run([...INVOKE, "--duration", "30m"]);
  assertEquals([run.code, run.stderr], [0, ""]);
  const [event] = (await team.store().breakglass.list({ limit: 1 })).items;
  const until = new Date(team.clock.now() + 30 * 60_000).toISOString().replace(".000Z", "Z");
  assertEquals(
    run.stdout,
    `break-glass ${event.id}: prod is open for alice until ${until}\n` +
      "  every notifier has been told\n" +
      "  use it:   sentinel exec prod -- <command>   (or your credential_process profile)\n" +
      `  end it:   sentinel breakglass close ${event.id} --aws-profile alice --reason "<why>"\n` +
      `  store:    ${STORE} (from store in /home/alice/.config/sentinel/config.yaml)\n`,
  );
  assertEquals(team.plugins.typesSentTo("pager"), ["breakglass_invoked"]);
});

Deno.test("breakglass --output json gives the event, whether it escalated or resumed, and its store", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run([...INVOKE, "-o", "json"]);
  assertEquals(Object.keys(run.json()), [
    ...EVENT_JSON_KEYS,
    "escalated",
    "resumed",
    "store",
    "store_from",
  ]);
  assertEquals([run.json().invoker, run.json().escalated, run.json().resumed], [
    "alice",
    false,
    false,
  ]);
});

Deno.test("breakglass refusals: a second open event (4), not allowed (4), a missing reason code or profile (2)", async () => {
  const { team, id } = await invoked();
  const second = await team.run([...INVOKE, "-o", "json"]);
  assertEquals([second.code, second.error().code], [4, "breakglass_already_open"]);
  assertIncludes(second.error().message, `sentinel breakglass close ${id}`);

  const bobs = new FakeTeam({ policy: APPROVAL_POLICY.replace("users: [alice]", "users: [bob]") });
  const refused = await bobs.run([...INVOKE, "-o", "json"]);
  assertEquals([refused.code, refused.error().code], [4, "breakglass_not_allowed"]);

  const usage = await team.run(["breakglass", "prod", "-j", "x"]);
  assertEquals(usage.code, 2);
  assertIncludes(usage.stderr, "break-glass needs --reason-code");
  const bare = await team.run(["breakglass"]);
  assertEquals(bare.code, 2);
  assertIncludes(bare.stderr, "name the profile: sentinel breakglass <profile>");
  const code = await team.run(["breakglass", "prod", "--reason-code", "panic", "-j", "x"]);
  assertEquals(code.code, 2, "an unknown reason code is a usage error");
});

Deno.test("breakglass list shows events newest first (--active, --unreviewed, JSON); breakglass-list is the v1 name", async () => {
  const { team, id } = await invoked();
  const table = await team.run(["breakglass", "list", "--aws-profile", "bob"]);
  assertEquals(table.code, 0, table.stderr);
  assertIncludes(table.stdout, id);
  const json = await team.run([
    "breakglass-list",
    "--active",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  const events = json.json().events as Record<string, unknown>[];
  assertEquals([events.map((e) => e.id), Object.keys(events[0])], [[id], EVENT_JSON_KEYS]);
  await team.run(["breakglass", "close", id, "--reason", "done"]);
  const active = await team.run([
    "breakglass",
    "list",
    "--active",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  assertEquals(active.json().events, []);
});

Deno.test("breakglass show (and v1's breakglass-check) prints one event; an unknown id is exit 2", async () => {
  const { team, id } = await invoked();
  const shown = await team.run(["breakglass", "show", id]);
  assertEquals(shown.code, 0, shown.stderr);
  assertIncludes(shown.stdout, id);
  assertIncludes(shown.stdout, `store:         ${STORE}`);
  const checked = await team.run(["breakglass-check", id, "-o", "json"]);
  assertEquals(Object.keys(checked.json()), [...EVENT_JSON_KEYS, "store", "store_from"]);
  const missing = await team.run(["breakglass", "show", "00000000000000ee", "-o", "json"]);
  assertEquals([missing.code, missing.error().code], [2, "not_found"]);
});

Deno.test("breakglass close ends the access (the invoker needs no --aws-profile); someone else is refused (4); again is a conflict (12)", async () => {
  const { team, id } = await invoked();
  const dave = await team.run([
    "breakglass",
    "close",
    id,
    "--reason",
    "x",
    "--aws-profile",
    "dave",
    "-o",
    "json",
  ]);
  assertEquals([dave.code, dave.error().code], [4, "not_allowed_to_close"]);
  const noReason = await team.run(["breakglass", "close", id]);
  assertEquals(noReason.code, 2);
  const closed = await team.run(["breakglass", "close", id, "--reason", "mitigated"]);
  assertEquals(closed.code, 0, closed.stderr);
  assertIncludes(
    closed.stdout,
    `break-glass ${id} closed by alice; no new sessions are issued under it`,
  );
  assertEquals((await team.run(["credentials", "prod"])).code, 5, "back to needing approval");
  const again = await team.run(["breakglass-close", id, "--reason", "again", "-o", "json"]);
  assertEquals([again.code, again.error().code], [12, "conflict"]);
});

Deno.test("breakglass review: by a reviewer, never the invoker (4), with notes required (2)", async () => {
  const { team, id } = await invoked();
  const own = await team.run([
    "breakglass",
    "review",
    id,
    "--notes",
    "fine",
    "--aws-profile",
    "alice",
    "-o",
    "json",
  ]);
  assertEquals([own.code, own.error().code], [4, "not_a_reviewer"]);
  const empty = await team.run(["breakglass", "review", id, "--aws-profile", "carol"]);
  assertEquals(empty.code, 2);
  const reviewed = await team.run([
    "breakglass",
    "review",
    id,
    "--notes",
    "root cause: cert",
    "--aws-profile",
    "carol",
    "-o",
    "json",
  ]);
  assertEquals([reviewed.code, reviewed.json().reviewed_by, reviewed.json().review_notes], [
    0,
    "carol",
    "root cause: cert",
  ]);
  const text = await team.run([
    "breakglass",
    "review",
    id,
    "--notes",
    "again",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(text.code, 12, "already reviewed");
});

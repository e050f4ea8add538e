/**
 * `sentinel plugins list` and `plugins test` in process, with the recording plugin stand-in: the
 * configured plugins and their grants, a sample event sent and its answer, a failing plugin (7),
 * an unknown one (3). The sandbox itself (Workers, permissions, timeouts) is tested with real
 * plugins: test/plugins_e2e_test.ts, test/plugins_hostile_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";
import { pluginEntry } from "../../test/support/fake_plugins.ts";

function world() {
  return new FakeWorld({
    plugins: [
      pluginEntry("pager", "notifier", { required: true }),
      pluginEntry("siem", "log_sink"),
    ],
  });
}

Deno.test("plugins list shows each configured plugin with its kind, source and permissions", async () => {
  const w = world();
  const text = await w.run(["plugins", "list"]);
  assertEquals(text.code, 0, text.stderr);
  assertIncludes(text.stdout, "pager  notifier 1.0.0 (required)\n  source:      bundled:webhook\n");
  const json = await w.run(["plugins", "list", "-o", "json"]);
  const plugins = json.json().plugins as Record<string, unknown>[];
  assertEquals(plugins.map((p) => [p.name, p.kind, p.required, p.timeout_seconds]), [
    ["pager", "notifier", true, 5],
    ["siem", "log_sink", false, 5],
  ]);
  const none = await new FakeWorld().run(["plugins", "list"]);
  assertEquals(none.stdout, "no plugins configured (add plugins: to the Sentinel config file)\n");
});

Deno.test("plugins test sends a sample event: a notifier gets a test event, a log sink a record that is not a decision", async () => {
  const w = world();
  const run = await w.run(["plugins", "test", "pager", "-o", "json"]);
  assertEquals([run.code, run.json().ok, run.json().result], [0, true, { delivered: true }]);
  const [sent] = w.plugins.calls;
  assertEquals([sent.method, (sent.payload as { type: string }).type], ["notify", "test"]);
  await w.run(["plugins", "test", "siem"]);
  const [record] = w.plugins.calls[1].payload as Record<string, unknown>[];
  assertEquals([record.type, record.outcome], ["plugin_test", undefined]);
});

Deno.test("plugins test: a failing plugin is exit 7 with its error; an unknown name is exit 3; a payload that is not JSON is exit 2", async () => {
  const w = world();
  w.plugins.fail("pager", "timed out after 5s");
  const failed = await w.run(["plugins", "test", "pager"]);
  assertEquals(failed.code, 7);
  assertIncludes(failed.stderr, "sentinel: plugin pager failed: timed out after 5s");
  const unknown = await w.run(["plugins", "test", "nope", "-o", "json"]);
  assertEquals([unknown.code, unknown.error().code], [3, "invalid_config"]);
  w.files.set("/e.json", "{oops");
  const notJson = await w.run(["plugins", "test", "siem", "--event", "/e.json"]);
  assertEquals(notJson.code, 2);
});

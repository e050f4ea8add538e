/**
 * The Sentinel config file's schema, in the core with no permissions: settings and plugins are
 * read, and a `plugin:` that names a property every object has is no bundled plugin.
 */
import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import { parseSentinelConfig } from "./sentinel_config.ts";

Deno.test("settings and a bundled plugin, normalised", () => {
  const config = parseSentinelConfig(
    "store: dynamodb:t\nplugins:\n  - { name: audit, plugin: file_sink, allow_write: [/tmp/a] }\n",
    "/c.yaml",
  );
  assertEquals(config.values, { store: "dynamodb:t" });
  assertEquals(config.plugins.map((p) => [p.name, p.kind, p.timeoutMs, p.write]), [
    ["audit", "log_sink", 5_000, ["/tmp/a"]],
  ]);
});

Deno.test("plugin: names only a bundled plugin, never a property every object has", () => {
  for (const name of ["constructor", "toString", "nope"]) {
    const error = assertThrows(
      () => parseSentinelConfig(`plugins:\n  - name: x\n    plugin: ${name}\n`, "/c.yaml"),
      SentinelError,
      "invalid Sentinel config /c.yaml",
    ) as SentinelError;
    assertEquals(error.details, [
      `/c.yaml:3:13: plugins[0].plugin: unknown bundled plugin "${name}"; bundled: webhook, sns, file_sink, cloudwatch_logs, static_router`,
    ]);
  }
});

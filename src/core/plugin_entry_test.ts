import { assertEquals } from "../../test/assert.ts";
import { envReference, type PluginEntry, pluginSecretEnvNames } from "./plugin_entry.ts";

const entry = (name: string, settings: Record<string, unknown>): PluginEntry => ({
  name,
  origin: { type: "bundled", plugin: "webhook" },
  kind: "notifier",
  version: "1",
  required: false,
  timeoutMs: 5000,
  net: [],
  write: [],
  settings,
});

Deno.test("pluginSecretEnvNames lists every variable a *_env setting names, once", () => {
  const plugins = [
    entry("a", { url: "https://a.example", secret_env: "SENTINEL_WEBHOOK_SECRET" }),
    entry("b", { token_env: "PAGER_TOKEN", secret_env: "SENTINEL_WEBHOOK_SECRET", env: "X" }),
    entry("c", { count_env: 3, url_env: "HOOK_URL" }),
  ];
  assertEquals(pluginSecretEnvNames(plugins), [
    "SENTINEL_WEBHOOK_SECRET",
    "PAGER_TOKEN",
    "HOOK_URL",
  ]);
  assertEquals(pluginSecretEnvNames([]), []);
});

Deno.test("envReference: only string values of keys ending in _env", () => {
  assertEquals(envReference("secret_env", "VAR"), "VAR");
  assertEquals(envReference("secret", "VAR"), undefined);
  assertEquals(envReference("secret_env", 1), undefined);
  assertEquals(envReference("environment", "VAR"), undefined);
});

/**
 * Failure semantics with real runner processes and Workers: a failing router is "no route", a
 * failing required notifier is reported as such.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { PluginCaller } from "../ports/plugins.ts";
import { environmentOf } from "../core/environment.ts";
import { configuredCaller } from "../adapters/plugin_host/configured_calls.ts";
import { notifyAll, routeApproval } from "./plugin_calls.ts";

/** The real plugin host, with an empty environment (no plugin here needs an AWS profile). */
const unused = () => Promise.reject(new Error("not needed by these plugins"));
const host: PluginCaller = configuredCaller({
  env: environmentOf({}),
  config: { load: unused },
  baseCredentials: unused,
});

async function external(name: string, source: string, extra: Partial<PluginEntry> = {}) {
  const path = await Deno.makeTempFile({ suffix: ".js" });
  await Deno.writeTextFile(path, source);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(source));
  const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  return {
    name,
    origin: { type: "module", path, sha256 },
    kind: "approval_router",
    version: "1.0.0",
    required: false,
    timeoutMs: 1_000,
    net: [],
    write: [],
    settings: {},
    ...extra,
  } as PluginEntry;
}

const request = {
  id: "r1",
  requester: "alice",
  profile: "prod",
  duration_seconds: 3600,
  justification: "deploy",
};

Deno.test("a router that throws, hangs or answers nonsense means no route, never approval", async () => {
  const cases = [
    ["export default { route() { throw new Error('down'); } };", "the plugin reported: down"],
    ["export default { route() { for (;;) {} } };", "timed out"],
    ["export default { route() { return { approvers: 'everyone' }; } };", "without a list"],
    ["export default { route() { return { approvers: [''] }; } };", "without a list"],
  ] as const;
  for (const [source, fragment] of cases) {
    const result = await routeApproval(host, request, await external("r", source));
    assertEquals(result.approvers, []);
    assertIncludes(result.error ?? "", fragment);
  }
  const good = await routeApproval(
    host,
    request,
    await external("r", "export default { route() { return { approvers: ['bob', 'alice'] }; } };"),
  );
  assertEquals(good, { approvers: ["bob"] });
});

Deno.test("notifiers: best effort by default, a required failure is flagged", async () => {
  const ok = await external("ok", "export default { notify() { return { delivered: true }; } };", {
    kind: "notifier",
  });
  const flaky = await external(
    "flaky",
    "export default { notify() { throw new Error('503'); } };",
    {
      kind: "notifier",
    },
  );
  const event = {
    version: 1 as const,
    type: "test",
    id: "e",
    time: "2026-01-01T00:00:00Z",
    data: {},
  };
  const bestEffort = await notifyAll(host, event, [ok, flaky]);
  assertEquals(bestEffort.delivered, ["ok"]);
  assertEquals(bestEffort.requiredFailed, false);
  const strict = await notifyAll(host, event, [ok, { ...flaky, required: true }]);
  assertEquals(strict.requiredFailed, true);
  assertIncludes(strict.failed[0].error, "503");
});

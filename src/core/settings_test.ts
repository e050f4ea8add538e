/** The settings table is the one home of every default; resolving once gives the same answers. */
import { assertEquals } from "../../test/assert.ts";
import {
  constantDefault,
  resolveOnly,
  resolveSetting,
  resolveSettings,
  SETTINGS,
  settingsReport,
} from "./settings.ts";

const none = { env: () => undefined, config: { values: {}, path: "config.yaml" } };
const paths = { defaultLogFile: "/s/decisions.jsonl", dataDir: "/d" };

Deno.test("every setting but the policy has its default in SETTINGS, shown as its defaultText", () => {
  const resolved = resolveSettings(none, paths);
  assertEquals(resolved.policy, { value: undefined, from: undefined });
  assertEquals(resolved.timeout.value, 30);
  assertEquals(resolved.policy_ttl.value, 300);
  assertEquals(resolved.refresh_window.value, 300);
  assertEquals(resolved.source.value, "auto");
  assertEquals(resolved.aws_vault_flags.value, []);
  assertEquals(resolved.region.value, "us-east-1");
  assertEquals(resolved.log_file.value, "/s/decisions.jsonl");
  assertEquals(resolved.store.value, "sqlite:/d/sentinel.db");
  assertEquals(constantDefault("timeout"), 30);
  assertEquals(
    settingsReport(resolved),
    Object.values(SETTINGS).map((s) => `${s.key} = ${s.defaultText} (default)`),
  );
});

Deno.test("resolving once gives what resolving each setting gives, with where it came from", () => {
  const sources = {
    env: (key: string) => ({ SENTINEL_TIMEOUT: "1m", AWS_REGION: "eu-west-1" })[key],
    profile: { sentinel_policy_ttl: "10m" },
    profileName: "prod",
    config: { values: { store: "dynamodb:t" }, path: "config.yaml" },
    flags: { "--policy": "p.yaml" },
  };
  const resolved = resolveSettings(sources, paths);
  for (const spec of Object.values(SETTINGS)) {
    const one = resolveSetting(spec as typeof SETTINGS.policy, sources);
    if (one !== undefined) assertEquals(resolved[spec.key as "policy"], one, spec.key);
  }
  assertEquals(resolved.timeout, { value: 60, from: "SENTINEL_TIMEOUT" });
  assertEquals(resolveOnly(["store"], sources, paths), {
    store: { value: "dynamodb:t", from: "store in config.yaml" },
  });
  assertEquals(
    settingsReport(resolved).find((l) => l.startsWith("region")),
    "region = eu-west-1 (AWS_REGION)",
  );
});

Deno.test("resolveOnly leaves a bad value of another setting alone", () => {
  const sources = {
    ...none,
    env: (key: string) => key === "SENTINEL_TIMEOUT" ? "soon" : undefined,
  };
  assertEquals(resolveOnly(["log_file"], sources, paths).log_file.value, "/s/decisions.jsonl");
});

Deno.test("server is a broker's origin: https anywhere, http only to loopback, no path, user or query", () => {
  const parse = (text: string) => SETTINGS.server.parse(text);
  assertEquals(parse("https://sentinel.example.com"), {
    ok: true,
    value: "https://sentinel.example.com",
  });
  assertEquals(parse("https://sentinel.example.com:8443/"), {
    ok: true,
    value: "https://sentinel.example.com:8443",
  });
  for (const loopback of ["http://127.0.0.1:8443", "http://localhost:1", "http://[::1]:8443"]) {
    assertEquals(parse(loopback).ok, true, loopback);
  }
  for (
    const bad of [
      "http://10.0.0.1:8443",
      "http://sentinel.example.com",
      "https://sentinel.example.com/v1",
      "https://user:pw@sentinel.example.com",
      "https://sentinel.example.com?x=1",
      "ftp://sentinel.example.com",
      "sentinel.example.com",
    ]
  ) {
    assertEquals(parse(bad).ok, false, bad);
  }
});

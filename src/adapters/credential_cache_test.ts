import { assertEquals, assertTrue } from "../../test/assert.ts";
import { environmentOf } from "../core/environment.ts";
import type { KeyOverrides } from "../ports/cache.ts";
import { FileCache } from "./credential_cache.ts";

function cacheIn(dir: string, vars: Record<string, string> = {}): FileCache {
  return new FileCache(
    environmentOf({
      HOME: dir,
      SENTINEL_CACHE_DIR: `${dir}/cache`,
      AWS_CONFIG_FILE: `${dir}/config`,
      ...vars,
    }),
    () => {},
  );
}

Deno.test("the warm attempt and the cold path after it compute the issuance key once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config`, "[profile prod]\nregion = eu-west-1\n");
    const cache = cacheIn(dir);
    // main.ts asks with the parsed command line; issueCredentials with the whole request.
    const warm = cache.credentialKey("prod", { profile: "prod" } as KeyOverrides);
    const cold = cache.credentialKey("prod", {
      profile: "prod",
      mode: "credential_process",
    } as KeyOverrides);
    assertTrue(warm === cold, "the same key was computed twice");
    // A fresh cache (another process) computes the same key from the same inputs.
    assertEquals(await cacheIn(dir).credentialKey("prod"), await warm);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every input of the issuance key changes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config`, "[profile prod]\n");
    const base = await cacheIn(dir).credentialKey("prod");
    const variants: [string, () => Promise<string>][] = [
      ["profile", () => cacheIn(dir).credentialKey("dev")],
      ["--policy", () => cacheIn(dir).credentialKey("prod", { policy: "ssm:/p" })],
      ["--duration", () => cacheIn(dir).credentialKey("prod", { durationSeconds: 900 })],
      ["--region", () => cacheIn(dir).credentialKey("prod", { region: "eu-west-1" })],
      ["--log-file", () => cacheIn(dir).credentialKey("prod", { logFile: "/tmp/l" })],
      [
        "--no-session",
        () => cacheIn(dir).credentialKey("prod", { awsVaultFlags: ["--no-session"] }),
      ],
      ["AWS_* variable", () => cacheIn(dir, { AWS_REGION: "eu-west-1" }).credentialKey("prod")],
    ];
    const keys = new Set([base]);
    for (const [what, key] of variants) {
      const value = await key();
      assertTrue(!keys.has(value), `${what} did not change the key`);
      keys.add(value);
    }
    await Deno.writeTextFile(`${dir}/config`, "[profile prod]\nregion = us-east-1\n");
    assertTrue(!keys.has(await cacheIn(dir).credentialKey("prod")), "the config file did not");
    // The profile's entries share a prefix, so an issuance can prune the ones it replaces.
    const prefix = (key: string) => key.slice(0, key.indexOf("-"));
    assertEquals(prefix(await cacheIn(dir).credentialKey("prod", { policy: "x" })), prefix(base));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("revocations kept on this host: none at first, one file each (0600), expired ones forgotten, a damaged one reads as unknown and stays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const warnings: string[] = [];
    const cache = new FileCache(
      environmentOf({ HOME: dir, SENTINEL_CACHE_DIR: `${dir}/cache` }),
      (message) => warnings.push(message),
    );
    const held = (id: string, expiresAt: number) => ({
      id,
      roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
      patterns: ["sentinel=alice=*"],
      before: expiresAt - 43_200_000,
      expiresAt,
    });
    assertEquals(await cache.readRevocations(1_000), []);
    await cache.addRevocations(
      [held("00000000000000aa", 5_000), held("00000000000000bb", 9_000)],
      1_000,
    );
    assertEquals((await cache.readRevocations(6_000))?.map((r) => r.id), ["00000000000000bb"]);
    assertEquals(
      (await Deno.stat(`${dir}/cache/revocations/00000000000000bb.json`)).mode! & 0o777,
      0o600,
    );
    await cache.addRevocations([], 6_000);
    assertEquals(
      [...Deno.readDirSync(`${dir}/cache/revocations`)].map((e) => e.name),
      ["00000000000000bb.json"],
      "the expired one was removed",
    );
    await Deno.writeTextFile(`${dir}/cache/revocations/00000000000000cc.json`, "{not json");
    assertEquals(await cache.readRevocations(6_000), undefined, "unknown: nothing may be reused");
    assertTrue(warnings.some((w) => w.includes("00000000000000cc.json")), warnings.join("\n"));
    await cache.addRevocations([], 10_000);
    assertTrue(
      [...Deno.readDirSync(`${dir}/cache/revocations`)].some((e) =>
        e.name.startsWith("00000000000000cc")
      ),
      "a damaged revocation is never dropped",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

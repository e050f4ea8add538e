/**
 * The CycloneDX SBOM: purls, hashes and the graph from a small lock with known values, and the
 * real deno.lock end to end — every locked package once, every reference resolvable, and the
 * scope split between what the binary embeds and what only tests use.
 */
import { assertEquals, assertMatch, assertTrue } from "../test/assert.ts";
import denoConfig from "../deno.json" with { type: "json" };
import {
  cycloneDx,
  type DenoLock,
  integrityHashes,
  LOADED_PROPERTY,
  npmPurl,
  parsePackageId,
} from "./sbom.ts";

// SHA-512 of the empty string, as npm writes it and in hex.
const EMPTY_SHA512_B64 =
  "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
const EMPTY_SHA512_HEX =
  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

Deno.test("package ids, purls and integrity hashes", () => {
  assertEquals(parsePackageId("@commander-js/extra-typings@15.1.0_commander@15.1.0"), {
    name: "@commander-js/extra-typings",
    version: "15.1.0",
  });
  assertEquals(parsePackageId("zod@4.6.7"), { name: "zod", version: "4.6.7" });
  assertEquals(
    npmPurl("@aws-sdk/client-sts", "3.1177.0"),
    "pkg:npm/%40aws-sdk/client-sts@3.1177.0",
  );
  assertEquals(npmPurl("zod", "4.0.0-beta.1"), "pkg:npm/zod@4.0.0-beta.1");
  assertEquals(integrityHashes(`sha512-${EMPTY_SHA512_B64}`), [
    { alg: "SHA-512", content: EMPTY_SHA512_HEX },
  ]);
  assertEquals(integrityHashes(undefined), []);
  assertEquals(integrityHashes("md5-AAAA"), []);
});

Deno.test("a small lock: components, direct dependencies, the graph and scopes", async () => {
  const lock: DenoLock = {
    version: "5",
    specifiers: {
      "npm:@x/cli@1.0.0": "1.0.0_peer@2.0.0",
      "npm:devtool@3.0.0": "3.0.0",
    },
    npm: {
      "@x/cli@1.0.0_peer@2.0.0": {
        integrity: `sha512-${EMPTY_SHA512_B64}`,
        dependencies: ["peer"],
      },
      "peer@2.0.0": { integrity: `sha512-${EMPTY_SHA512_B64}` },
      "devtool@3.0.0": { integrity: `sha512-${EMPTY_SHA512_B64}`, dependencies: ["peer"] },
    },
    workspace: { dependencies: ["npm:@x/cli@1.0.0", "npm:devtool@3.0.0"] },
  };
  const bom = await cycloneDx(lock, {
    name: "app",
    version: "9.9.9",
    loaded: new Set(["@x/cli@1.0.0_peer@2.0.0", "peer@2.0.0"]),
    serialSeed: "seed",
    timestamp: "2026-01-01T00:00:00Z",
  });
  assertEquals(
    bom.components.map((c) => [c.purl, c.group ?? "", c.name, c.scope, c.properties]),
    [
      ["pkg:npm/%40x/cli@1.0.0", "@x", "cli", "required", [{
        name: LOADED_PROPERTY,
        value: "true",
      }]],
      ["pkg:npm/devtool@3.0.0", "", "devtool", "required", [{
        name: LOADED_PROPERTY,
        value: "false",
      }]],
      ["pkg:npm/peer@2.0.0", "", "peer", "required", [{ name: LOADED_PROPERTY, value: "true" }]],
    ],
  );
  assertEquals(bom.dependencies, [
    { ref: "app@9.9.9", dependsOn: ["pkg:npm/%40x/cli@1.0.0", "pkg:npm/devtool@3.0.0"] },
    { ref: "pkg:npm/%40x/cli@1.0.0", dependsOn: ["pkg:npm/peer@2.0.0"] },
    { ref: "pkg:npm/devtool@3.0.0", dependsOn: ["pkg:npm/peer@2.0.0"] },
    { ref: "pkg:npm/peer@2.0.0", dependsOn: [] },
  ]);
  assertEquals(bom.metadata.timestamp, "2026-01-01T00:00:00Z");
  assertMatch(
    bom.serialNumber,
    /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  const again = await cycloneDx(lock, { name: "app", version: "9.9.9", serialSeed: "seed" });
  assertEquals(again.serialNumber, bom.serialNumber, "the serial number is deterministic");
  assertTrue(again.components.every((c) => c.scope === undefined && c.properties === undefined));
});

Deno.test("deno task sbom on the real deno.lock: every locked package once, every reference resolves, what the binary loads marked", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", "--allow-env", "scripts/sbom.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: { SOURCE_DATE_EPOCH: "1767225600" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(code, 0, new TextDecoder().decode(stderr));
  const bom = JSON.parse(new TextDecoder().decode(stdout));
  const lock: DenoLock = JSON.parse(
    await Deno.readTextFile(new URL("../deno.lock", import.meta.url)),
  );
  assertEquals(bom.bomFormat, "CycloneDX");
  assertEquals(bom.specVersion, "1.6");
  assertEquals(bom.metadata.timestamp, "2026-01-01T00:00:00Z");
  assertEquals(bom.metadata.component.version, denoConfig.version);
  assertEquals(bom.components.length, Object.keys(lock.npm!).length);
  const refs = new Set(bom.components.map((c: { "bom-ref": string }) => c["bom-ref"]));
  assertEquals(refs.size, bom.components.length, "duplicate bom-ref");
  for (const dependency of bom.dependencies) {
    for (const target of dependency.dependsOn) {
      assertTrue(refs.has(target), `${dependency.ref} depends on unknown ${target}`);
    }
  }
  for (const component of bom.components) {
    assertEquals(component.hashes.length, 1, component.purl);
    assertMatch(component.hashes[0].content, /^[0-9a-f]{128}$/);
  }
  // deno compile embeds every locked package: all are required…
  assertTrue(bom.components.every((c: { scope: string }) => c.scope === "required"));
  const loaded = (purl: string) =>
    bom.components.find((c: { purl: string }) => c.purl === purl)?.properties[0].value;
  // …and what main.ts and the compile plan's --include modules load is marked so…
  assertEquals(loaded(`pkg:npm/yaml@2.9.1`), "true");
  assertEquals(loaded(`pkg:npm/zod@4.6.7`), "true");
  assertEquals(loaded(`pkg:npm/commander@15.1.0`), "true");
  assertEquals(loaded(`pkg:npm/%40commander-js/extra-typings@15.1.0`), "true");
  assertEquals(loaded(`pkg:npm/%40aws-sdk/client-sts@3.1177.0`), "true");
  // …while test and benchmark packages are not loaded.
  assertEquals(loaded(`pkg:npm/fast-check@4.11.0`), "false");
  assertEquals(loaded(`pkg:npm/%40cedar-policy/cedar-wasm@4.13.0`), "false");
  assertEquals(loaded(`pkg:npm/standardwebhooks@1.1.1`), "false");
});

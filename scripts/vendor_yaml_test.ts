import { assertEquals, assertIncludes, assertThrows } from "../test/assert.ts";
import { differences, filesUnder, vendoredRelease } from "./vendor_yaml.ts";

const SHIM = `// @ts-types="npm:yaml@2.9.1"\nexport * from "./yaml@2.9.1/index.js";\n`;

Deno.test("vendor/yaml.ts names one release for its types and its code", () => {
  assertEquals(vendoredRelease(SHIM), { version: "2.9.1", folder: "yaml@2.9.1" });
  const split = SHIM.replace('"./yaml@2.9.1/', '"./yaml@2.9.0/');
  assertThrows(() => vendoredRelease(split), Error, "same version");
  assertThrows(() => vendoredRelease("export {};"), Error, "@ts-types");
});

Deno.test("the vendored yaml build is the locked npm release's browser/ folder, byte for byte", async () => {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", "--allow-env", "scripts/vendor_yaml.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(run.code, 0, decoder.decode(run.stderr));
  assertIncludes(decoder.decode(run.stdout), "byte for byte");
});

Deno.test("a changed, missing or extra file in the copy is named", () => {
  const release = Deno.makeTempDirSync();
  const copy = Deno.makeTempDirSync();
  try {
    for (const dir of [release, copy]) {
      Deno.mkdirSync(`${dir}/dist`);
      Deno.writeTextFileSync(`${dir}/index.js`, "export * from './dist/index.js';\n");
      Deno.writeTextFileSync(`${dir}/dist/index.js`, "export const a = 1;\n");
      Deno.writeTextFileSync(`${dir}/dist/gone.js`, "export {};\n");
    }
    Deno.writeTextFileSync(`${copy}/LICENSE`, "ISC\n"); // kept beside the build, not in browser/
    assertEquals(differences(copy, release), []);
    Deno.writeTextFileSync(`${copy}/dist/index.js`, "export const a = 2;\n");
    Deno.removeSync(`${copy}/dist/gone.js`);
    Deno.writeTextFileSync(`${copy}/dist/extra.js`, "export {};\n");
    assertEquals(differences(copy, release), [
      "missing: dist/gone.js",
      "not in the release: dist/extra.js",
      "differs: dist/index.js",
    ]);
    assertEquals(filesUnder(release), ["dist/gone.js", "dist/index.js", "index.js"]);
  } finally {
    Deno.removeSync(release, { recursive: true });
    Deno.removeSync(copy, { recursive: true });
  }
});

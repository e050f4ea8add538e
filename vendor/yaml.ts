/**
 * The `yaml` package (npm `yaml@2.9.1`, ISC), as its own ES-module build: the code in
 * `vendor/yaml@2.9.1/` is the package's `browser/` folder byte for byte, and its types are the
 * package's, taken from the locked npm release. Deno resolves `npm:yaml` to the package's
 * CommonJS build, which costs ~45 ms and ~19 MB more to load than this one (~7 ms) — on every
 * issuance with a policy not yet cached, and every command that reads YAML.
 * `deno task vendor:yaml` checks the copy against the locked release (a test runs it) and
 * `deno task vendor:yaml --write` refreshes it after a version change here and in the folder name.
 *
 * @module
 */
// @ts-types="npm:yaml@2.9.1"
export * from "./yaml@2.9.1/index.js";

/**
 * The AWS SDK's credential chain (`fromIni`), in a module of its own: credential_sources.ts imports
 * it through a computed specifier, so a cold issuance from plain keys never resolves the SDK's
 * npm package graph (a literal `import("@aws-sdk/credential-providers")` made Deno resolve it
 * whenever credential_sources.ts loaded, about a millisecond).
 *
 * @module
 */
export { fromIni } from "@aws-sdk/credential-providers";

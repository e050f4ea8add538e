/**
 * What `sentinel --version` prints: Sentinel's version (deno.json), the commit it was built from
 * (`git describe`, stamped into dist/build_info.json by `deno task compile` and
 * scripts/install.sh; "unknown" when it was not), and the Deno it runs on.
 *
 * @module
 */
import denoConfig from "../../deno.json" with { type: "json" };
import type { Deps } from "../ports/deps.ts";

/** Sentinel's version, from deno.json. */
export const VERSION: string = denoConfig.version;

/** Where the build stamps its commit, relative to this module. */
export const BUILD_INFO_URL = new URL("../../dist/build_info.json", import.meta.url);

/** `sentinel 0.1.0 (commit v0.1.0-74-gb1ecbb5, deno 2.9.6)` */
export async function versionLine(deps: Deps): Promise<string> {
  let commit = "unknown";
  try {
    const text = await deps.files.readOptional(BUILD_INFO_URL.pathname);
    const stamped = text === undefined ? undefined : JSON.parse(text)?.commit;
    if (typeof stamped === "string" && /^[\w.+-]{1,80}$/.test(stamped)) commit = stamped;
  } catch { /* unreadable or damaged: unknown */ }
  return `sentinel ${VERSION} (commit ${commit}, deno ${Deno.version.deno})`;
}

/**
 * The code of the plugins bundled with Sentinel (embedded in the binary with `--include
 * plugins/`); what each one is and may be granted is core/bundled_plugins.ts. No npm imports.
 *
 * @module
 */
import { moduleDataUrl } from "./bootstrap.ts";

const SHARED_IMPORT = /from\s+"\.\.\/shared\/([a-z0-9_]+\.ts)"/g;

/**
 * The source of a bundled plugin, its `../shared/` imports linked in as `data:` URLs (a plugin
 * runs from a `data:` URL and cannot resolve relative files). Type-only imports are left alone:
 * they are erased when the module is transpiled.
 */
export async function bundledSource(file: string): Promise<string> {
  const root = new URL("../../../plugins/", import.meta.url);
  const source = await Deno.readTextFile(new URL(file, root));
  const shared = new Map<string, string>();
  for (const [, name] of source.matchAll(SHARED_IMPORT)) {
    if (!shared.has(name)) {
      const text = await Deno.readTextFile(new URL(`shared/${name}`, root));
      shared.set(name, moduleDataUrl(text, true));
    }
  }
  return source.replace(SHARED_IMPORT, (_, name) => `from ${JSON.stringify(shared.get(name))}`);
}

/**
 * JSON Lines file log sink: appends each decision record to a file beside the built-in decision
 * log (for a log shipper to pick up). Needs `allow_write: [<path>]` in its configuration.
 * Settings: `path` (required). The file is created 0600.
 *
 * @module
 */
import type { LogSinkPlugin, PluginContext } from "../api/v1.ts";

const plugin: LogSinkPlugin = {
  async write(records: Record<string, unknown>[], ctx: PluginContext) {
    const path = ctx.settings.path;
    if (typeof path !== "string" || path === "") throw new Error("settings.path is required");
    const text = records.map((record) => JSON.stringify(record) + "\n").join("");
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        const folder = path.slice(0, path.lastIndexOf("/")) || "/";
        throw new Error(
          `the folder ${folder} of ${path} does not exist; create it (mkdir -p ${folder}) or change settings.path`,
        );
      }
      throw error;
    }
    using _ = file;
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    return { written: records.length };
  },
};

export default plugin;

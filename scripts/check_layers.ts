/**
 * The layer check (`deno task check` runs it): reads every import of the product code — static,
 * dynamic, type-only, and the `typeof import("…")` that names a computed specifier — and fails
 * when one crosses a layer the wrong way (ARCHITECTURE.md):
 *
 * - `src/core` imports only core, the plugin API (plain types and constants, the contract with
 *   plugins) and the npm packages `yaml` and `zod`;
 * - `src/ports` imports only core, ports and the plugin API;
 * - `src/app` imports core, ports, app and the plugin API types;
 * - `src/cli` imports core, ports, app, cli, the plugin API types, deno.json (the version) and
 *   the CLI parser;
 * - adapters (`src/adapters`, the plugin host among them) import anything but app and cli;
 * - bundled plugins import only `plugins/api` and `plugins/shared`.
 *
 * And one room of a layer is sealed off from the rest of it: the plugin host
 * (`src/adapters/plugin_host/`) imports no other adapter — what it needs (the environment, the
 * configuration, base credentials) comes in as ports from the composition root — and no adapter
 * but `src/adapters/deps.ts` imports it.
 *
 * Tests (`*_test.ts`) are not product code and are skipped.
 *
 *   deno run --allow-read scripts/check_layers.ts          # prints violations, exit 1 if any
 *   deno run --allow-read scripts/check_layers.ts --count  # prints only the number
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** A layer: its folder (relative to the root) and what it may import. */
interface Layer {
  name: string;
  folder: string;
  mayImport: readonly string[];
  /** Bare (npm) specifiers allowed, or "*" for any. */
  npm: readonly string[] | "*";
}

const LAYERS: readonly Layer[] = [
  { name: "core", folder: "src/core/", mayImport: ["core", "plugin_api"], npm: ["yaml", "zod"] },
  { name: "ports", folder: "src/ports/", mayImport: ["core", "ports", "plugin_api"], npm: [] },
  { name: "app", folder: "src/app/", mayImport: ["core", "ports", "app", "plugin_api"], npm: [] },
  {
    name: "cli",
    folder: "src/cli/",
    mayImport: ["core", "ports", "app", "cli", "plugin_api", "config"],
    npm: ["@commander-js/extra-typings", "commander"],
  },
  {
    name: "adapters",
    folder: "src/adapters/",
    mayImport: ["core", "ports", "adapters", "plugin_api", "plugins", "config"],
    npm: "*",
  },
  { name: "plugin_api", folder: "plugins/api/", mayImport: ["plugin_api"], npm: [] },
  { name: "plugins", folder: "plugins/", mayImport: ["plugin_api", "plugins"], npm: [] },
  { name: "config", folder: "deno.json", mayImport: [], npm: [] },
];

/**
 * A room inside a layer that keeps to itself: its modules import no module of the layer outside the
 * room, and of the rest of the layer only `importedBy` imports it.
 */
interface SealedRoom {
  name: string;
  folder: string;
  layer: string;
  importedBy: readonly string[];
}

const SEALED_ROOMS: readonly SealedRoom[] = [
  {
    name: "the plugin host",
    folder: "src/adapters/plugin_host/",
    layer: "adapters",
    importedBy: ["src/adapters/deps.ts"],
  },
];

/** Why an import from `file` to `target` (both root-relative) breaks a sealed room, if it does. */
function roomViolation(file: string, target: string): string | undefined {
  for (const room of SEALED_ROOMS) {
    const inLayer = (path: string) => layerOf(path)?.name === room.layer;
    const fromRoom = file.startsWith(room.folder);
    const intoRoom = target.startsWith(room.folder);
    if (fromRoom && !intoRoom && inLayer(target)) {
      return `${room.name} must not import another adapter (${target}): take it as a port from ${
        room.importedBy.join(", ")
      }`;
    }
    if (!fromRoom && intoRoom && inLayer(file) && !room.importedBy.includes(file)) {
      return `only ${room.importedBy.join(", ")} may import ${room.name} (${room.folder})`;
    }
  }
  return undefined;
}

/** The layer a root-relative path belongs to (most specific folder first). */
export function layerOf(path: string): Layer | undefined {
  return [...LAYERS].sort((a, b) => b.folder.length - a.folder.length)
    .find((layer) => path.startsWith(layer.folder));
}

const IMPORT_PATTERNS = [
  /\bfrom\s+["']([^"']+)["']/g,
  /\bimport\s+["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

/** Every specifier a source text imports, in any form. */
export function importsOf(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of source.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

/** One import that crosses a layer the wrong way. */
export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

/** Checks one file's imports. `file` is root-relative. */
export function checkFile(file: string, source: string): Violation[] {
  const layer = layerOf(file);
  if (layer === undefined) return [];
  const violations: Violation[] = [];
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith(".")) {
      const target = new URL(specifier, `file:///${file}`).pathname.slice(1);
      const targetLayer = layerOf(target);
      const targetName = targetLayer?.name ?? target;
      if (targetLayer !== layer && !layer.mayImport.includes(targetName)) {
        violations.push({ file, specifier, why: `${layer.name} must not import ${targetName}` });
      }
      const sealed = roomViolation(file, target);
      if (sealed !== undefined) violations.push({ file, specifier, why: sealed });
    } else if (specifier.startsWith("node:") || specifier.startsWith("npm:")) {
      if (layer.npm !== "*" && !specifier.startsWith("node:")) {
        violations.push({ file, specifier, why: `${layer.name} must not import npm packages` });
      } else if (layer.npm !== "*" && layer.name !== "adapters") {
        violations.push({ file, specifier, why: `${layer.name} must not import node built-ins` });
      }
    } else if (layer.npm !== "*" && !layer.npm.includes(specifier)) {
      violations.push({ file, specifier, why: `${layer.name} must not import ${specifier}` });
    }
  }
  return violations;
}

async function* productFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) yield* productFiles(`${path}/`);
    else if (/\.(ts|js)$/.test(entry.name) && !/_test\.ts$/.test(entry.name)) yield path;
  }
}

/** Every violation in the product tree. */
export async function checkLayers(): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const dir of ["src/", "plugins/"]) {
    for await (const file of productFiles(dir)) {
      violations.push(...checkFile(file, await Deno.readTextFile(`${ROOT}${file}`)));
    }
  }
  return violations;
}

if (import.meta.main) {
  const violations = await checkLayers();
  if (Deno.args.includes("--count")) {
    console.log(violations.length);
  } else {
    for (const v of violations) console.error(`${v.file}: imports ${v.specifier}: ${v.why}`);
    console.log(
      violations.length === 0
        ? "layers: no import crosses a layer the wrong way"
        : `layers: ${violations.length} imports cross a layer the wrong way (see ARCHITECTURE.md)`,
    );
  }
  Deno.exit(violations.length === 0 ? 0 : 1);
}

/**
 * What a file loads at run time, from `deno info --json`: its modules (static and dynamic imports
 * followed transitively; type-only imports are erased and never loaded, so they are not followed),
 * the npm packages those pull in with the packages' own dependencies, and the npm releases whose
 * code runs from a vendored copy (vendor/yaml.ts: code from vendor/, types from `npm:`).
 * One walk for the compile plan, the SBOM and the tests' module-graph checks.
 *
 * @module
 */

/** The run-time reach of one module. */
export interface ModuleReach {
  /** Module specifiers, redirects resolved, the file itself included (`file:…`, `npm:…`). */
  modules: string[];
  /** npm packages as deno.lock names them (`name@version`), with their dependencies. */
  npmPackages: string[];
  /** npm releases (`name@version`) whose code is loaded from a copy under vendor/. */
  vendoredPackages: string[];
}

interface DenoInfo {
  roots: string[];
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
  }[];
  redirects: Record<string, string>;
  npmPackages: Record<string, { dependencies: string[] }>;
}

/** `name` and `version` of a locked npm id; a peer suffix (`1.0.0_peer@2.0.0`) is dropped. */
export function parsePackageId(id: string): { name: string; version: string } {
  const at = id.indexOf("@", 1);
  if (at === -1) throw new Error(`deno.lock: "${id}" is not name@version`);
  const version = id.slice(at + 1);
  return { name: id.slice(0, at), version: version.split("_")[0] };
}

/** The modules and npm packages `file` (relative to `root`) loads at run time. */
export async function moduleReach(root: string, file: string): Promise<ModuleReach> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", file],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `deno info ${file} failed (is the Deno cache filled? run \`deno cache main.ts\`):\n${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  const graph: DenoInfo = JSON.parse(new TextDecoder().decode(stdout));
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const vendored = new Set<string>();
  const queue = [...graph.roots];
  while (queue.length > 0) {
    const raw = queue.pop()!;
    const specifier = graph.redirects[raw] ?? raw;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (dep.code?.specifier) queue.push(dep.code.specifier);
      if (dep.code?.specifier.includes("/vendor/") && dep.type?.specifier.startsWith("npm:")) {
        vendored.add(dep.type.specifier);
      }
    }
  }
  const ids = Object.keys(graph.npmPackages);
  const lockedId = (spec: string) => {
    const { name, version } = parsePackageId(spec);
    const bare = version.split("/")[0];
    // `@commander-js/extra-typings@15.1.0` is locked as `…@15.1.0_commander@15.1.0`.
    return ids.find((id) => {
      const locked = parsePackageId(id);
      return locked.name === name && locked.version === bare;
    }) ?? spec;
  };
  const packages = new Set<string>();
  const pending = [...seen].filter((s) => s.startsWith("npm:"))
    .map((s) => lockedId(s.replace(/^npm:\/?/, "")));
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (packages.has(id)) continue;
    packages.add(id);
    pending.push(...(graph.npmPackages[id]?.dependencies ?? []));
  }
  const vendoredPackages = [...vendored].map((s) => lockedId(s.replace(/^npm:\/?/, "")));
  return { modules: [...seen], npmPackages: [...packages], vendoredPackages };
}

/**
 * What a file loads at run time, from `deno info --json`: its modules (static and dynamic
 * imports, followed transitively; type-only imports are erased and never loaded, so they are not
 * followed) and every npm package those pull in, with the packages' own dependencies.
 *
 * @module
 */

/** The run-time reach of one module. */
export interface ModuleReach {
  /** Module specifiers, the file itself included (`file:…`, `npm:…`). */
  modules: string[];
  /** npm packages as `name@version`, with their transitive dependencies. */
  npmPackages: string[];
}

interface DenoInfo {
  roots: string[];
  modules: { specifier: string; dependencies?: { code?: { specifier: string } }[] }[];
  redirects: Record<string, string>;
  npmPackages: Record<string, { dependencies: string[] }>;
}

/** The modules and npm packages `file` loads at run time. */
export async function moduleReach(file: string): Promise<ModuleReach> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno info ${file} failed:\n${new TextDecoder().decode(stderr)}`);
  const graph: DenoInfo = JSON.parse(new TextDecoder().decode(stdout));
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...graph.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    const resolved = graph.redirects[specifier] ?? specifier;
    for (const dep of modules.get(resolved)?.dependencies ?? []) {
      if (dep.code?.specifier) queue.push(dep.code.specifier);
    }
  }
  const packages = new Set<string>();
  const pending = [...seen]
    .map((s) => graph.redirects[s] ?? s)
    .filter((s) => s.startsWith("npm:"))
    .map((s) => packageId(graph, s.replace(/^npm:\/?/, "")));
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (packages.has(id)) continue;
    packages.add(id);
    pending.push(...(graph.npmPackages[id]?.dependencies ?? []));
  }
  return { modules: [...seen], npmPackages: [...packages] };
}

/** The npm package id (`name@version`) a specifier like `@scope/name@1.2.3/sub/path` names. */
function packageId(graph: DenoInfo, specifier: string): string {
  const id = Object.keys(graph.npmPackages).find((key) =>
    specifier === key || specifier.startsWith(`${key}/`)
  );
  return id ?? specifier;
}

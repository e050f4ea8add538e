/**
 * A CycloneDX 1.6 SBOM (JSON) of Sentinel's npm dependencies, generated from deno.lock: one
 * component per locked package with its purl and the lock's integrity hash, and the dependency
 * graph. `deno compile` embeds every package of the lock's npm snapshot in the binary, whether
 * Sentinel's code loads it or not (its "Embedded Files" listing shows the test-only fast-check
 * and the benchmark's cedar-wasm too), so every component is scoped `required`; the property
 * `sentinel:loaded_at_run_time` tells which ones main.ts and the compile plan's --include modules
 * actually reach (per `deno info`), to weigh a vulnerability report. Deterministic: the serial
 * number is derived from the lock, and the timestamp comes from SOURCE_DATE_EPOCH when set.
 *
 *   deno task sbom > sentinel.cdx.json
 *   deno task sbom --output dist/sentinel-0.1.0.cdx.json
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { compilePlan } from "./compile_plan.ts";
import { moduleReach, parsePackageId } from "./module_graph.ts";

export { parsePackageId };

/** The parts of deno.lock (version 5) the SBOM reads. */
export interface DenoLock {
  version: string;
  specifiers?: Record<string, string>;
  npm?: Record<
    string,
    { integrity?: string; dependencies?: string[]; optionalDependencies?: string[] }
  >;
  workspace?: { dependencies?: string[] };
}

/** A CycloneDX component for one npm package. */
export interface BomComponent {
  type: "library";
  "bom-ref": string;
  group?: string;
  name: string;
  version: string;
  purl: string;
  hashes: { alg: "SHA-512" | "SHA-384" | "SHA-256" | "SHA-1"; content: string }[];
  scope?: "required";
  properties?: { name: string; value: string }[];
}

/** The SBOM document. */
export interface Bom {
  bomFormat: "CycloneDX";
  specVersion: "1.6";
  serialNumber: string;
  version: 1;
  metadata: Record<string, unknown>;
  components: BomComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

/** The package URL: `pkg:npm/%40scope/name@1.2.3`. */
export function npmPurl(name: string, version: string): string {
  const encoded = name.startsWith("@")
    ? `%40${name.slice(1).split("/").map(encodeURIComponent).join("/")}`
    : encodeURIComponent(name);
  return `pkg:npm/${encoded}@${encodeURIComponent(version)}`;
}

const HASH_ALGS = {
  sha512: "SHA-512",
  sha384: "SHA-384",
  sha256: "SHA-256",
  sha1: "SHA-1",
} as const;

/** An npm integrity string (`sha512-<base64>`, possibly several) as CycloneDX hashes in hex. */
export function integrityHashes(integrity: string | undefined): BomComponent["hashes"] {
  if (integrity === undefined) return [];
  return integrity.trim().split(/\s+/).flatMap((entry) => {
    const dash = entry.indexOf("-");
    const alg = HASH_ALGS[entry.slice(0, dash) as keyof typeof HASH_ALGS];
    if (dash === -1 || alg === undefined) return [];
    const bytes = Uint8Array.from(atob(entry.slice(dash + 1)), (c) => c.charCodeAt(0));
    const content = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [{ alg, content }];
  });
}

/** A name-based (version 5) UUID, as CycloneDX serial numbers require. */
export async function uuidV5(name: string): Promise<string> {
  // The URL namespace of RFC 9562.
  const namespace = "6ba7b8119dad11d180b400c04fd430c8".match(/../g)!.map((h) => parseInt(h, 16));
  const data = new Uint8Array([...namespace, ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", data)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/** Resolves a lock dependency entry (`tslib` or `tslib@2.8.1`) to a package id of the lock. */
function resolveDependency(ids: readonly string[], entry: string, of: string): string {
  if (ids.includes(entry)) return entry;
  const matches = ids.filter((id) => parsePackageId(id).name === entry);
  if (matches.length !== 1) {
    throw new Error(
      `deno.lock: ${of} depends on "${entry}", which names ${matches.length} locked packages`,
    );
  }
  return matches[0];
}

/** The component property that says whether Sentinel's code loads the package. */
export const LOADED_PROPERTY = "sentinel:loaded_at_run_time";

/** What the SBOM describes and how. */
export interface BomOptions {
  name: string;
  version: string;
  /**
   * Package ids Sentinel's code loads at run time; when given, every component is scoped
   * `required` (the binary embeds them all) and says whether it is loaded.
   */
  loaded?: ReadonlySet<string>;
  /** RFC 3339; omitted when absent. */
  timestamp?: string;
  /** Hashed into the serial number (the lock's text). */
  serialSeed: string;
}

/** The CycloneDX SBOM of the npm packages in `lock`. */
export async function cycloneDx(lock: DenoLock, options: BomOptions): Promise<Bom> {
  const packages = lock.npm ?? {};
  const ids = Object.keys(packages).sort();
  const ref = (id: string) => {
    const { name, version } = parsePackageId(id);
    return npmPurl(name, version);
  };
  const components: BomComponent[] = ids.map((id) => {
    const { name, version } = parsePackageId(id);
    const slash = name.indexOf("/");
    return {
      type: "library",
      "bom-ref": ref(id),
      ...(name.startsWith("@") ? { group: name.slice(0, slash) } : {}),
      name: name.startsWith("@") ? name.slice(slash + 1) : name,
      version,
      purl: ref(id),
      hashes: integrityHashes(packages[id].integrity),
      ...(options.loaded === undefined ? {} : {
        scope: "required" as const,
        properties: [{ name: LOADED_PROPERTY, value: String(options.loaded.has(id)) }],
      }),
    };
  });
  const rootRef = `${options.name}@${options.version}`;
  const direct = (lock.workspace?.dependencies ?? []).map((specifier) => {
    const resolved = lock.specifiers?.[specifier];
    const name = parsePackageId(specifier.replace(/^npm:/, "")).name;
    if (resolved === undefined) throw new Error(`deno.lock: no resolution for ${specifier}`);
    return resolveDependency(ids, `${name}@${resolved}`, "the workspace");
  });
  const dependencies = [
    { ref: rootRef, dependsOn: direct.map(ref).sort() },
    ...ids.map((id) => ({
      ref: ref(id),
      dependsOn: [
        ...(packages[id].dependencies ?? []),
        ...(packages[id].optionalDependencies ?? []),
      ].map((entry) => ref(resolveDependency(ids, entry, id))).sort(),
    })),
  ];
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: `urn:uuid:${await uuidV5(`${rootRef}\n${options.serialSeed}`)}`,
    version: 1,
    metadata: {
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      tools: { components: [{ type: "application", name: "sentinel scripts/sbom.ts" }] },
      component: {
        type: "application",
        "bom-ref": rootRef,
        name: options.name,
        version: options.version,
      },
    },
    components,
    dependencies,
  };
}

/**
 * The npm package ids that `files` (run-time roots) load, with their dependencies, per `deno info`
 * — a release whose code is vendored (vendor/yaml.ts) counts as loaded: its code ships.
 */
export async function reachedPackages(
  root: string,
  files: readonly string[],
): Promise<Set<string>> {
  const reached = new Set<string>();
  for (const file of files) {
    const reach = await moduleReach(root, file);
    for (const id of [...reach.npmPackages, ...reach.vendoredPackages]) reached.add(id);
  }
  return reached;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const lockText = await Deno.readTextFile(`${root}deno.lock`);
  const plan = await compilePlan(root);
  const loaded = await reachedPackages(root, [plan.entry, ...plan.includes.map((i) => i.path)]);
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  const bom = await cycloneDx(JSON.parse(lockText), {
    name: "sentinel",
    version: denoConfig.version,
    loaded,
    serialSeed: lockText,
    ...(epoch === undefined
      ? {}
      : { timestamp: new Date(Number(epoch) * 1000).toISOString().replace(".000Z", "Z") }),
  });
  const text = JSON.stringify(bom, null, 2) + "\n";
  const output = Deno.args.includes("--output")
    ? Deno.args[Deno.args.indexOf("--output") + 1]
    : undefined;
  if (output === undefined) await Deno.stdout.write(new TextEncoder().encode(text));
  else {
    await Deno.writeTextFile(output, text);
    const reached = bom.components.filter((c) => c.properties?.[0].value === "true").length;
    console.error(
      `wrote ${output}: ${bom.components.length} npm packages embedded, ${reached} loaded at run time`,
    );
  }
}

/**
 * Keeps `vendor/yaml@<version>/` identical to the `browser/` folder (the ES-module build) of the
 * npm release `vendor/yaml.ts` names, as Deno downloaded and checked it against deno.lock's
 * integrity hash. Without arguments it compares, file by file, and exits 1 naming every
 * difference; with `--write` it replaces the folder with the release's (after a version bump in
 * vendor/yaml.ts: the `@ts-types` line and the folder in its `export`).
 *
 *   deno task vendor:yaml            # check (the test suite runs this)
 *   deno task vendor:yaml --write    # refresh
 *
 * @module
 */
const ROOT_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The release vendor/yaml.ts names and the folder it exports from; both must agree. */
export function vendoredRelease(shim: string): { version: string; folder: string } {
  const types = shim.match(/^\/\/ @ts-types="npm:yaml@([^"]+)"$/m)?.[1];
  const folder = shim.match(/^export \* from "\.\/(yaml@([^/"]+))\/index\.js";$/m);
  if (types === undefined || folder === null) {
    throw new Error(
      'vendor/yaml.ts must read `// @ts-types="npm:yaml@<version>"` then `export * from "./yaml@<version>/index.js";`',
    );
  }
  if (folder[2] !== types) {
    throw new Error(
      `vendor/yaml.ts takes its types from yaml@${types} but its code from ${
        folder[1]
      }: make them the same version`,
    );
  }
  return { version: types, folder: folder[1] };
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function filesUnder(dir: string, prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(`${dir}/${prefix}`)) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) found.push(...filesUnder(dir, relative));
    else found.push(relative);
  }
  return found.sort();
}

/** How `vendored` differs from `release` (both folders), as lines; empty when identical. */
export function differences(vendored: string, release: string): string[] {
  const ours = filesUnder(vendored).filter((file) => file !== "LICENSE");
  const theirs = filesUnder(release);
  const problems: string[] = [];
  for (const file of theirs) {
    if (!ours.includes(file)) problems.push(`missing: ${file}`);
  }
  for (const file of ours) {
    if (!theirs.includes(file)) {
      problems.push(`not in the release: ${file}`);
      continue;
    }
    if (!sameBytes(`${vendored}/${file}`, `${release}/${file}`)) problems.push(`differs: ${file}`);
  }
  return problems;
}

function sameBytes(pathA: string, pathB: string): boolean {
  const a = Deno.readFileSync(pathA);
  const b = Deno.readFileSync(pathB);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Where Deno keeps npm `yaml@<version>`, downloading it (checked against deno.lock) if needed. */
async function releaseFolder(version: string): Promise<string> {
  const info = async (...args: string[]) => {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", ...args],
      cwd: ROOT_DIR,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (run.code !== 0) {
      throw new Error(
        `deno info ${args.join(" ")} failed: ${new TextDecoder().decode(run.stderr)}`,
      );
    }
    return JSON.parse(new TextDecoder().decode(run.stdout));
  };
  await info(`npm:yaml@${version}`);
  const { npmCache } = await info();
  const registry = new URL(Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org/");
  const host = `${registry.host}${registry.pathname}`.replace(/\/+$/, "");
  return `${npmCache}/${host}/yaml/${version}`;
}

if (import.meta.main) {
  const shim = Deno.readTextFileSync(`${ROOT_DIR}/vendor/yaml.ts`);
  const { version, folder } = vendoredRelease(shim);
  const release = await releaseFolder(version);
  const vendored = `${ROOT_DIR}/vendor/${folder}`;
  if (Deno.args.includes("--write")) {
    Deno.removeSync(vendored, { recursive: true });
    Deno.mkdirSync(vendored, { recursive: true });
    for (const file of filesUnder(`${release}/browser`)) {
      const target = `${vendored}/${file}`;
      Deno.mkdirSync(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      Deno.copyFileSync(`${release}/browser/${file}`, target);
    }
    Deno.copyFileSync(`${release}/LICENSE`, `${vendored}/LICENSE`);
    console.log(`vendor/${folder} now holds yaml@${version}'s browser/ build and its LICENSE`);
  } else {
    const problems = differences(vendored, `${release}/browser`);
    if (!sameBytes(`${vendored}/LICENSE`, `${release}/LICENSE`)) problems.push("differs: LICENSE");
    if (problems.length > 0) {
      console.error(
        `vendor/${folder} is not yaml@${version}'s browser/ build:\n  ${
          problems.join("\n  ")
        }\nrun: deno task vendor:yaml --write`,
      );
      Deno.exit(1);
    }
    console.log(`vendor/${folder} is yaml@${version}'s browser/ build, byte for byte`);
  }
}

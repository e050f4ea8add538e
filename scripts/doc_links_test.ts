/**
 * Every relative link in the project's Markdown — the root documents and docs/ — points at a file
 * that exists, and a link with `#anchor` at a heading of that file (as GitHub makes anchors:
 * lower case, punctuation dropped, spaces as hyphens, `-1`, `-2` for repeats).
 */
import { assertEquals } from "../test/assert.ts";

const ROOT = new URL("../", import.meta.url);

async function documents(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ["", "docs/"]) {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      if (entry.isFile && entry.name.endsWith(".md")) files.push(`${dir}${entry.name}`);
    }
  }
  return files.sort();
}

/** The anchors GitHub gives the headings of a Markdown text (code blocks skipped). */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The relative link targets of a Markdown text, outside code blocks and code spans. */
export function linksOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
    .filter((target) => !/^[a-z]+:/i.test(target));
}

Deno.test("anchors are made as GitHub makes them", () => {
  assertEquals(
    [...anchorsOf("# A\n## `identity:` — how identities are named\n## A\n```\n# not\n```\n")],
    ["a", "identity--how-identities-are-named", "a-1"],
  );
});

Deno.test("every relative link in the documentation reaches an existing file and heading", async () => {
  const broken: string[] = [];
  for (const file of await documents()) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const link of linksOf(text)) {
      const [path, anchor] = link.split("#", 2);
      const target = path === "" ? new URL(file, ROOT) : new URL(path, new URL(file, ROOT));
      let targetText: string | undefined;
      try {
        const stat = await Deno.stat(target);
        targetText = stat.isFile ? await Deno.readTextFile(target) : "";
      } catch {
        broken.push(`${file}: ${link} (no such file)`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(targetText).has(anchor)) {
        broken.push(`${file}: ${link} (no such heading)`);
      }
    }
  }
  assertEquals(broken, []);
});

/**
 * INI text decoded exactly as npm's `ini` package (v6) decodes it — a line-for-line port of its
 * `decode`, quirks included: `;`/`#` comments, quoted values read as JSON, `\;` and `\#`
 * escapes, `key[]` arrays, `true`/`false`/`null` literals, `__proto__` refused, and dotted
 * section names nested (`[a.b]` under `a`). Why a port: `ini` is CommonJS, and loading any
 * CommonJS module starts Deno's Node compatibility layer, about 20 ms — more than the rest of a
 * cold `credentials` call spends on the AWS files. ini_decode_test.ts checks the port against the
 * package itself on generated text. Writes go through {@link sloppySet}, since `ini` runs in
 * sloppy mode, where writing to a primitive is silently ignored.
 *
 * @example
 * ```ts
 * import { decodeIni } from "./ini_decode.ts";
 *
 * const sections = decodeIni("[profile prod]\nregion = eu-central-1 ; Frankfurt\n");
 * console.assert((sections["profile prod"] as Record<string, string>).region === "eu-central-1");
 * ```
 * @module
 */

// deno-lint-ignore no-explicit-any
type Loose = any;

const LINE = /^\[([^\]]*)\]\s*$|^([^=]+)(=(.*))?$/i;

/** Decodes INI text into sections (objects without a prototype), as `ini.parse` does. */
export function decodeIni(text: string): Record<string, unknown> {
  const out: Loose = Object.create(null);
  let p: Loose = out;
  for (const line of text.split(/[\r\n]+/g)) {
    if (!line || /^\s*[;#]/.test(line) || /^\s*$/.test(line)) continue;
    const match = line.match(LINE);
    if (!match) continue;
    if (match[1] !== undefined) {
      const section = unsafe(match[1]);
      if (section === "__proto__") {
        // Not allowed: the section is read, but not attached.
        p = Object.create(null);
        continue;
      }
      p = out[section] = out[section] || Object.create(null);
      continue;
    }
    const keyRaw = unsafe(match[2]);
    const isArray = keyRaw.length > 2 && keyRaw.slice(-2) === "[]";
    const key = isArray && keyRaw.endsWith("[]") ? keyRaw.slice(0, -2) : keyRaw;
    if (key === "__proto__") continue;
    const valueRaw = match[3] ? unsafe(match[4]) : true;
    const value = valueRaw === "true" || valueRaw === "false" || valueRaw === "null"
      ? JSON.parse(valueRaw)
      : valueRaw;
    if (isArray) {
      if (!Object.prototype.hasOwnProperty.call(p, key)) sloppySet(p, key, []);
      else if (!Array.isArray(p[key])) sloppySet(p, key, [p[key]]);
    }
    // A key once made an array stays one, even without the brackets.
    if (Array.isArray(p[key])) p[key].push(value);
    else sloppySet(p, key, value);
  }

  // {a:{y:1},"a.b":{x:2}} --> {a:{y:1,b:{x:2}}}
  const remove: string[] = [];
  for (const k of Object.keys(out)) {
    if (
      !Object.prototype.hasOwnProperty.call(out, k) || typeof out[k] !== "object" ||
      Array.isArray(out[k])
    ) continue;
    const parts = splitSections(k, ".");
    p = out;
    const l = parts.pop()!;
    const nl = l.replace(/\\\./g, ".");
    for (const part of parts) {
      if (part === "__proto__") continue;
      if (!Object.prototype.hasOwnProperty.call(p, part) || typeof p[part] !== "object") {
        sloppySet(p, part, Object.create(null));
      }
      p = p[part];
    }
    if (p === out && nl === l) continue;
    sloppySet(p, nl, out[k]);
    remove.push(k);
  }
  for (const del of remove) delete out[del];
  return out;
}

/**
 * `target[key] = value` with sloppy-mode semantics: ignored on a primitive, a TypeError on null
 * or undefined (as in `ini`, which then fails to parse).
 */
function sloppySet(target: Loose, key: string, value: unknown): void {
  if (target !== null && target !== undefined && typeof target !== "object") return;
  target[key] = value;
}

/** Splits on `separator` unless it is escaped with a backslash. */
function splitSections(text: string, separator: string): string[] {
  let lastMatchIndex = 0;
  let lastSeparatorIndex = 0;
  let nextIndex = 0;
  const sections: string[] = [];
  do {
    nextIndex = text.indexOf(separator, lastMatchIndex);
    if (nextIndex !== -1) {
      lastMatchIndex = nextIndex + separator.length;
      if (nextIndex > 0 && text[nextIndex - 1] === "\\") continue;
      sections.push(text.slice(lastSeparatorIndex, nextIndex));
      lastSeparatorIndex = nextIndex + separator.length;
    }
  } while (nextIndex !== -1);
  sections.push(text.slice(lastSeparatorIndex));
  return sections;
}

function isQuoted(value: string): boolean {
  return (value.startsWith('"') && value.endsWith('"')) ||
    (value.startsWith("'") && value.endsWith("'"));
}

/** A key or value as written: trimmed, unquoted (JSON) or cut at the first unescaped `;`/`#`. */
function unsafe(raw: string | undefined): Loose {
  let value: Loose = (raw || "").trim();
  if (isQuoted(value)) {
    // The single quotes go before JSON.parse.
    if (value.charAt(0) === "'") value = value.slice(1, -1);
    try {
      value = JSON.parse(value);
    } catch {
      // kept as written
    }
    return value;
  }
  let escaped = false;
  let unescaped = "";
  for (let i = 0, l = value.length; i < l; i++) {
    const c = value.charAt(i);
    if (escaped) {
      unescaped += "\\;#".indexOf(c) !== -1 ? c : "\\" + c;
      escaped = false;
    } else if (";#".indexOf(c) !== -1) {
      break;
    } else if (c === "\\") {
      escaped = true;
    } else {
      unescaped += c;
    }
  }
  if (escaped) unescaped += "\\";
  return unescaped.trim();
}

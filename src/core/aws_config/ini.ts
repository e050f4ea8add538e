/**
 * The text of `~/.aws/config` and `~/.aws/credentials` read as the AWS CLI reads it (botocore's
 * `configparser` rules): a header is `[` up to the line's last `]`, its name taken literally;
 * keys lower-cased, `=` or `:` between key and value; only whole lines are comments (`#`, `;`),
 * so a value keeps a trailing `# …` exactly as the AWS CLI passes it on; lines indented deeper
 * than their key continue its value (`s3 =` followed by `  max_bandwidth = …`). A config-file
 * section is a profile as botocore maps it ({@link configProfileName}). What the AWS CLI refuses
 * — a section or key given twice, a key before any section, a line that is none of these — is
 * refused here too, naming the file and line. Pure: text in, sections out.
 *
 * @example
 * ```ts
 * import { configProfileName, parseAwsIni } from "./ini.ts";
 *
 * const sections = parseAwsIni("[profile acme.prod]\nRegion = eu-central-1\n", "config");
 * console.assert(sections.get("profile acme.prod")?.region === "eu-central-1");
 * console.assert(configProfileName("profile acme.prod") === "acme.prod");
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";
import { shellWords } from "../text/shell_words.ts";

/** One section's settings, keys lower-cased; continuation lines joined to their key's value. */
export type IniSection = Record<string, string>;

const COMMENT = /^\s*[#;]/;

/** The section being read: its keys' lines, for the duplicate-key error. */
interface Opened {
  name: string;
  keys: Map<string, number>;
  values: IniSection;
  /** The key the last setting line set: deeper-indented lines continue it. */
  lastKey?: string;
  lastIndent: number;
}

/**
 * The section name a line opens, as configparser reads headers: the stripped line starts with `[`
 * and the name runs to its last `]` (anything after that is ignored). `undefined` when the line
 * is not a header.
 */
export function sectionHeaderName(line: string): string | undefined {
  const stripped = line.trim();
  if (!stripped.startsWith("[")) return undefined;
  const close = stripped.lastIndexOf("]");
  return close > 1 ? stripped.slice(1, close) : undefined;
}

/**
 * The profile a `~/.aws/config` section defines, as botocore maps sections: `default`, or a name
 * beginning `profile` that splits (shell rules, quotes honoured) into exactly two words, the
 * second being the profile. Anything else (`sso-session …`, `services …`, `[ profile x ]`,
 * `[profile a b]`) is not a profile.
 */
export function configProfileName(section: string): string | undefined {
  if (section === "default") return "default";
  if (!section.startsWith("profile")) return undefined;
  const words = shellWords(section);
  return words !== undefined && words.length === 2 ? words[1] : undefined;
}

type Fail = (line: number, message: string, fix: string) => SentinelError;

/** A `key = value` (or `key: value`) line's key and value; anything else is an error. */
function keyValue(line: string, number: number, fail: Fail): { key: string; value: string } {
  const delimiter = line.search(/[=:]/);
  if (delimiter <= 0 || line.slice(0, delimiter).trim() === "") {
    throw fail(
      number,
      `expected "key = value", a [section] or a comment, found ${JSON.stringify(line)}`,
      "fix or remove the line",
    );
  }
  return {
    key: line.slice(0, delimiter).trim().toLowerCase(),
    value: line.slice(delimiter + 1).trim(),
  };
}

/** Adds a key of the open section (a key given twice is an error). */
function addKey(current: Opened, raw: string, number: number, indent: number, fail: Fail): void {
  const { key, value } = keyValue(raw.trim(), number, fail);
  const first = current.keys.get(key);
  if (first !== undefined) {
    throw fail(
      number,
      `${key} is set twice in [${current.name}] (first at line ${first})`,
      "keep one of them",
    );
  }
  current.keys.set(key, number);
  current.values[key] = value;
  current.lastKey = key;
  current.lastIndent = indent;
}

/**
 * Parses the text into its sections, in file order. `source` names the file in errors.
 * Throws a {@link SentinelError} (exit 3) naming `source:line` for anything the AWS CLI refuses.
 */
export function parseAwsIni(text: string, source: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>();
  const opened = new Map<string, number>();
  let current: Opened | undefined;
  const fail: Fail = (line, message, fix) =>
    new SentinelError("invalid_config", `${source}:${line}: ${message}; ${fix}`);

  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const raw = lines[i];
    if (raw.trim() === "" || COMMENT.test(raw)) continue;
    const indent = raw.length - raw.trimStart().length;
    if (current?.lastKey !== undefined && indent > current.lastIndent) {
      current.values[current.lastKey] += "\n" + raw.trim();
      continue;
    }
    const header = sectionHeaderName(raw);
    if (header !== undefined) {
      const first = opened.get(header);
      if (first !== undefined) {
        throw fail(
          number,
          `[${header}] is given twice (first at line ${first}); the AWS CLI refuses this file too`,
          "merge the two sections into one",
        );
      }
      opened.set(header, number);
      // No prototype: a key named __proto__ is a key like any other.
      current = { name: header, keys: new Map(), values: Object.create(null), lastIndent: 0 };
      sections.set(header, current.values);
      continue;
    }
    if (current === undefined) {
      // A malformed line is reported as such, before its place.
      keyValue(raw.trim(), number, fail);
      throw fail(number, "a setting before any [section]", "put it under the section it is for");
    }
    addKey(current, raw, number, indent, fail);
  }
  return sections;
}

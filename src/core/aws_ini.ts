/**
 * The text of `~/.aws/config` and `~/.aws/credentials` read as the AWS CLI reads it (botocore's
 * `configparser` rules): section names taken literally (`[profile acme.prod]` is the profile
 * `acme.prod`), keys lower-cased, `=` or `:` between key and value, full-line `#`/`;` comments,
 * and indented lines under a key belonging to that key (`s3 =` followed by `  max_bandwidth = …`).
 * A `#` or `;` after whitespace starts a comment, as aws-vault's Go reader has it. What the AWS
 * CLI refuses — a section or key given twice, a key before any section, a line that is none of
 * these — is refused here too, naming the file and line. Pure: text in, sections out.
 *
 * @example
 * ```ts
 * import { parseAwsIni } from "./aws_ini.ts";
 *
 * const sections = parseAwsIni("[profile acme.prod]\nRegion = eu-central-1 # Frankfurt\n", "config");
 * console.assert(sections.get("profile acme.prod")?.region === "eu-central-1");
 * ```
 * @module
 */
import { ExitCode, SentinelError } from "./errors.ts";

/** One section's settings, keys lower-cased; a nested setting's value is its first line. */
export type IniSection = Record<string, string>;

const COMMENT = /^\s*[#;]/;
const INLINE_COMMENT = /\s[#;].*$/;

/** The section being read: its keys' lines, for the duplicate-key error. */
interface Opened {
  name: string;
  keys: Map<string, number>;
  values: IniSection;
}

/**
 * Parses the text into its sections, in file order. `source` names the file in errors.
 * Throws a {@link SentinelError} (exit 3) naming `source:line` for anything the AWS CLI refuses.
 */
export function parseAwsIni(text: string, source: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>();
  const opened = new Map<string, number>();
  let current: Opened | undefined;
  // The indentation of the line that started the last key: deeper lines continue that key.
  let keyIndent: number | undefined;
  const fail = (line: number, message: string, fix: string) =>
    new SentinelError(ExitCode.InvalidConfig, `${source}:${line}: ${message}; ${fix}`);

  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const raw = lines[i];
    if (raw.trim() === "" || COMMENT.test(raw)) continue;
    const indent = raw.length - raw.trimStart().length;
    if (current !== undefined && keyIndent !== undefined && indent > keyIndent) continue;
    const line = raw.trim().replace(INLINE_COMMENT, "");
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) {
        throw fail(number, `the section header ${line} has no closing ]`, "close it");
      }
      const name = line.slice(1, -1).trim();
      if (name === "") throw fail(number, "a section header with no name", "name the section");
      const first = opened.get(name);
      if (first !== undefined) {
        throw fail(
          number,
          `[${name}] is given twice (first at line ${first}); the AWS CLI refuses this file too`,
          "merge the two sections into one",
        );
      }
      opened.set(name, number);
      // No prototype: a key named __proto__ is a key like any other.
      current = { name, keys: new Map(), values: Object.create(null) };
      sections.set(name, current.values);
      keyIndent = undefined;
      continue;
    }
    const delimiter = line.search(/[=:]/);
    if (delimiter <= 0) {
      throw fail(
        number,
        `expected "key = value", a [section] or a comment, found ${JSON.stringify(line)}`,
        "fix or remove the line",
      );
    }
    if (current === undefined) {
      throw fail(number, "a setting before any [section]", "put it under the section it is for");
    }
    const key = line.slice(0, delimiter).trim().toLowerCase();
    const first = current.keys.get(key);
    if (first !== undefined) {
      throw fail(
        number,
        `${key} is set twice in [${current.name}] (first at line ${first})`,
        "keep one of them",
      );
    }
    current.keys.set(key, number);
    current.values[key] = line.slice(delimiter + 1).trim();
    keyIndent = indent;
  }
  return sections;
}

/**
 * Reading a `credential_process` line that runs Sentinel: which program it starts and which
 * profile (and, in Sentinel v1's spelling, which policy) it asks for. Layout 2 puts such a line on
 * a "front" profile that names another, the Sentinel profile; `check`, `whoami`, `doctor` and
 * `init` follow it. Pure.
 *
 * @example
 * ```ts
 * import { sentinelInvocation } from "./front_profile.ts";
 *
 * const v1 = sentinelInvocation(
 *   "sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev",
 * );
 * console.assert(v1?.profile === "dev" && v1.policy === "ssm:/sentinel/policies/dev");
 * console.assert(sentinelInvocation("aws-vault export --format=json base") === undefined);
 * ```
 * @module
 */
import { shellWords } from "../text/shell_words.ts";

/** What a credential_process line asks Sentinel for. */
export interface SentinelInvocation {
  /** The program the line starts, as written (`sentinel`, `/home/a/.local/bin/sentinel`, …). */
  program: string;
  /** The profile it asks credentials for. */
  profile: string;
  /** The policy it names (`--policy`, or v1's `--policy-parameter` as `ssm:<name>`). */
  policy?: string;
  /**
   * Words after the profile that Sentinel would refuse as extra arguments — often a trailing
   * `# comment`, which the AWS CLI does not strip but passes on.
   */
  extra: string[];
}

/** Flags of `credentials` that take a value (so the value is not read as the profile). */
const VALUE_FLAGS = new Set(["--region", "--duration", "-d", "--log-file", "--output", "-o"]);

/** Whether a word names Sentinel: the `sentinel` program or its entry module. */
function namesSentinel(word: string): boolean {
  const base = word.slice(word.lastIndexOf("/") + 1);
  return base === "sentinel" || base === "sentinel.exe" || base === "main.ts";
}

/** The Sentinel call in a credential_process line, or `undefined` when it runs something else. */
export function sentinelInvocation(line: string | undefined): SentinelInvocation | undefined {
  if (line === undefined) return undefined;
  const words = shellWords(line);
  if (words === undefined) return undefined;
  const at = words.findIndex((word, i) =>
    word === "credentials" && i > 0 &&
    namesSentinel(words[i - 1])
  );
  if (at === -1) return undefined;
  let profile: string | undefined;
  let policy: string | undefined;
  const extra: string[] = [];
  const rest = words.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].startsWith("--") && rest[i].includes("=")
      ? [rest[i].slice(0, rest[i].indexOf("=")), rest[i].slice(rest[i].indexOf("=") + 1)]
      : [rest[i], undefined];
    const value = () => inline ?? rest[++i];
    if (flag === "--profile") profile = value();
    else if (flag === "--policy-parameter") policy = `ssm:${value()}`;
    else if (flag === "--policy") policy = value();
    else if (VALUE_FLAGS.has(flag)) value();
    else if (!flag.startsWith("-") && profile === undefined) profile = flag;
    else if (!flag.startsWith("-")) extra.push(flag);
  }
  if (profile === undefined || profile === "") return undefined;
  return { program: words[0], profile, ...(policy === undefined ? {} : { policy }), extra };
}

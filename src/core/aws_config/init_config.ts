/**
 * What `sentinel init` writes: a layout-1 profile for `~/.aws/config` (its `credential_process`
 * runs `sentinel credentials <profile>`), that profile put into the file's text (appended, or
 * replacing the old section when asked to), a starter policy that lets the person use it, and the
 * diff shown before anything is written. Pure: texts in, texts out.
 *
 * @example
 * ```ts
 * import { profileSection, withProfile } from "./init_config.ts";
 *
 * const section = profileSection({
 *   profile: "prod",
 *   roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
 *   sourceProfile: "base",
 *   source: "auto",
 *   region: "eu-central-1",
 *   policy: "ssm:/sentinel/policy",
 * });
 * const { text, replaced } = withProfile("[profile base]\nregion = eu-central-1\n", "prod", section);
 * console.assert(!replaced && text.includes("credential_process = sentinel credentials prod"));
 * ```
 * @module
 */
import { configProfileName, sectionHeaderName } from "./ini.ts";
import type { CredentialSource } from "../settings.ts";

/** The profile `init` writes. */
export interface InitProfile {
  profile: string;
  roleArn: string;
  sourceProfile: string;
  source: CredentialSource;
  region: string;
  policy: string;
}

/** The `[profile …]` section (layout 1), ending with a newline; `sentinel_source` only when not auto. */
export function profileSection(p: InitProfile): string {
  return [
    `[profile ${p.profile}]`,
    `credential_process = sentinel credentials ${p.profile}`,
    `sentinel_role_arn = ${p.roleArn}`,
    `sentinel_source_profile = ${p.sourceProfile}`,
    ...(p.source === "auto" ? [] : [`sentinel_source = ${p.source}`]),
    `sentinel_policy = ${p.policy}`,
    `region = ${p.region}`,
  ].join("\n") + "\n";
}

/**
 * What is wrong with a value for `~/.aws/config`, or `undefined`: a line break or other control
 * character would start a line of its own (a section or key of the caller's choosing), and
 * surrounding whitespace would be lost when the file is read back.
 */
export function configValueProblem(value: string): string | undefined {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    return "it holds a line break or control character";
  }
  if (value !== value.trim()) return "it starts or ends with whitespace";
  if (value === "") return "it is empty";
  return undefined;
}

/** Where a section starts and ends (line indexes, end exclusive), or `undefined`. */
function sectionLines(lines: readonly string[], profile: string): [number, number] | undefined {
  // Headers read as the AWS CLI reads them: `[profile prod] # note` and `[profile "prod"]` count.
  const isProfile = (line: string) => {
    const name = sectionHeaderName(line);
    return name !== undefined && configProfileName(name) === profile;
  };
  const start = lines.findIndex(isProfile);
  if (start === -1) return undefined;
  let end = start + 1;
  while (end < lines.length && sectionHeaderName(lines[end]) === undefined) end++;
  // Blank lines and comments before the next section belong to the gap, not to this section.
  while (end > start + 1 && /^\s*([#;].*)?$/.test(lines[end - 1])) end--;
  return [start, end];
}

/** Whether the config text has a section for `profile`. */
export function hasProfile(text: string, profile: string): boolean {
  return sectionLines(text.split("\n"), profile) !== undefined;
}

/**
 * `text` with `section` for `profile`: replacing the existing section in place, or appended after
 * a blank line. Every other line stays as it was.
 */
export function withProfile(
  text: string,
  profile: string,
  section: string,
): { text: string; replaced: boolean } {
  const lines = text.split("\n");
  const found = sectionLines(lines, profile);
  const sectionLinesText = section.replace(/\n$/, "").split("\n");
  if (found !== undefined) {
    const [start, end] = found;
    return {
      text: [...lines.slice(0, start), ...sectionLinesText, ...lines.slice(end)].join("\n"),
      replaced: true,
    };
  }
  const body = text.replace(/\n*$/, "");
  return { text: (body === "" ? "" : body + "\n\n") + section, replaced: false };
}

/** A starter policy: `user` may use `profile` (role `roleArn`) for up to an hour; nothing else. */
export function starterPolicy(
  profile: string,
  user: string,
  roleArn: string,
  writtenAt: string,
): string {
  const q = (text: string) => JSON.stringify(text);
  return `# Sentinel policy written by \`sentinel init\` on ${writtenAt}.
# Rules are checked in order; the first whose conditions all hold decides; when none matches,
# access is denied. Check it with \`sentinel policy lint <file>\`; see docs/policy.md in Sentinel's repository.
version: "1"
rules:
  - name: ${q(`${profile}-starter`)}
    effect: allow
    conditions:
      profiles: [${q(profile)}]
      users: [${q(user)}]
      roles: [${q(roleArn)}]
    reason: ${q(`${user} may use ${profile} (starter rule written by sentinel init)`)}
    max_duration: 1h
`;
}

/** A diff cut down to the changed lines and `context` lines around each change. */
export function compactDiff(lines: readonly string[], context = 2): string[] {
  const changed = lines.map((line) => !line.startsWith(" "));
  const keep = lines.map((_, i) =>
    changed.slice(Math.max(0, i - context), i + context + 1).some(Boolean)
  );
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (keep[i]) out.push(line);
    else if (keep[i - 1]) out.push(" …");
  });
  return out;
}

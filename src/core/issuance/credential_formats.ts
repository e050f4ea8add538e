/**
 * Issued credentials in the forms `sentinel export` prints: `env` (`export AWS_…='…'` lines,
 * quoted for any POSIX shell, for `eval "$(sentinel export prod)"`), `json` (the
 * credential_process document, as `aws-vault export --format=json` prints it) and `ini` (one
 * section of an AWS credentials file). Pure.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./credential_formats.ts";
 *
 * console.assert(shellQuote("it's") === `'it'\\''s'`);
 * ```
 * @module
 */
import { formatCredentialProcess, type IssuedCredentials } from "./credential_process.ts";
import { SentinelError } from "../errors.ts";

/** The formats of `sentinel export`. */
export const EXPORT_FORMATS = ["env", "json", "ini"] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `text` in single quotes for a POSIX shell: nothing inside is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `export NAME='value'` lines for the session and its region. */
export function envFormat(credentials: IssuedCredentials, region: string): string {
  const variables: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", credentials.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey],
    ["AWS_SESSION_TOKEN", credentials.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", rfc3339(credentials.expiration)],
    ["AWS_REGION", region],
    ["AWS_DEFAULT_REGION", region],
  ];
  return variables.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join("");
}

/** A section name an AWS credentials file can hold (no brackets, no line breaks, not empty). */
export function checkSectionName(name: string): string {
  if (name.trim() === "" || /[[\]\r\n]/.test(name) || name !== name.trim()) {
    throw new SentinelError(
      "usage",
      `"${name}" cannot name a credentials-file section: use a name without brackets, line breaks or surrounding spaces`,
    );
  }
  return name;
}

/** One `[section]` of an AWS credentials file holding the session. */
export function iniFormat(credentials: IssuedCredentials, section: string): string {
  const values = [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken];
  if (values.some((value) => /[\r\n]/.test(value))) {
    throw new SentinelError(
      "aws_failure",
      "STS returned credentials with a line break, which a credentials file cannot hold; use --format env or json",
    );
  }
  return [
    `[${checkSectionName(section)}]`,
    `aws_access_key_id = ${credentials.accessKeyId}`,
    `aws_secret_access_key = ${credentials.secretAccessKey}`,
    `aws_session_token = ${credentials.sessionToken}`,
    `# issued by sentinel; expires ${rfc3339(credentials.expiration)}`,
    "",
  ].join("\n");
}

/** The session in `format`, ending with a newline. */
export function exportText(
  format: ExportFormat,
  credentials: IssuedCredentials,
  region: string,
  section: string,
): string {
  switch (format) {
    case "env":
      return envFormat(credentials, region);
    case "json":
      return formatCredentialProcess(credentials) + "\n";
    case "ini":
      return iniFormat(credentials, section);
  }
}

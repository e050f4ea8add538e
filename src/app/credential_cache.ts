/**
 * Sentinel's local caches, each a 0600 JSON file under the cache directory:
 *
 * - `credentials/<key>.json`: issued role credentials, keyed by the profile and a fingerprint of
 *   everything that decides them (the AWS config and credentials files, the Sentinel config file,
 *   the `AWS_*`/`SENTINEL_*` environment without secrets). The entry records the user and policy
 *   hash it was issued under; it is reused only while the same policy still allows that user.
 * - `policy/<key>.json`: a validated policy document with its hash and fetch time.
 * - `identity/<key>.json`: the verified identity of a base credential (by access key id).
 *
 * No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { IssuedCredentials } from "../core/credential_process.ts";
import type { Identity } from "../core/identity.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import type { PluginEntry } from "../plugin_host/plugin_entry.ts";
import { readOptionalText, sha256Hex, writePrivateFile } from "../adapters/files.ts";
import { awsConfigPaths, type EnvLookup, sentinelConfigPath } from "../adapters/paths.ts";

const FORMAT = 1;

/** A cached credential set and the decision it was issued under. */
export interface CredentialEntry {
  format: typeof FORMAT;
  profile: string;
  roleArn: string;
  user: string;
  identityArn: string;
  region: string;
  policySource: string;
  policyHash: string;
  policyTtlSeconds: number;
  refreshWindowSeconds: number;
  logFile: string;
  requestId: string;
  sourceIdentity: string;
  sessionDurationSeconds: number;
  credentials: IssuedCredentials;
  /** The log sinks configured when issued; the warm path sends its decisions there too. */
  sinks: PluginEntry[];
}

/** A cached, validated policy. */
export interface PolicyEntry {
  format: typeof FORMAT;
  source: string;
  hash: string;
  fetchedAt: number;
  document: PolicyDocument;
}

/** A cached verified identity. */
export interface IdentityEntry {
  format: typeof FORMAT;
  identity: Identity;
  /** Epoch ms after which the base credential may no longer be valid. */
  validUntil: number;
}

/** Hash of everything outside the cache that decides which credentials a profile gets. */
export async function configFingerprint(
  profile: string,
  env: Record<string, string>,
): Promise<string> {
  const lookup: EnvLookup = (key) => env[key];
  const { configPath, credentialsPath } = awsConfigPaths(lookup);
  const texts = await Promise.all(
    [configPath, credentialsPath, sentinelConfigPath(lookup)].map(async (path) =>
      `${path}\n${(await readOptionalText(path)) ?? ""}`
    ),
  );
  return await sha256Hex([profile, ...texts, fingerprintEnv(env)].join("\0"));
}

/** The cache key of one issuance: the profile's fingerprint plus the flags that change the result. */
export async function issuanceFingerprint(
  profile: string,
  env: Record<string, string>,
  overrides: { policy?: string; durationSeconds?: number } = {},
): Promise<string> {
  return await sha256Hex(
    [
      await configFingerprint(profile, env),
      overrides.policy ?? "",
      String(overrides.durationSeconds ?? ""),
    ].join("\0"),
  );
}

/** The `AWS_*` and `SENTINEL_*` variables that change what may be reused, secrets left out. */
export function fingerprintEnv(env: Record<string, string>): string {
  const secret = new Set(["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]);
  return Object.keys(env)
    .filter((key) =>
      (key.startsWith("AWS_") || (key.startsWith("SENTINEL_") && key !== "SENTINEL_RESOLVING")) &&
      !secret.has(key)
    )
    .sort()
    .map((key) => `${key}=${env[key]}`)
    .join("\n");
}

/** The cache files of one cache directory. */
export class CredentialCache {
  constructor(readonly dir: string) {}

  credentialPath(fingerprint: string): string {
    return `${this.dir}/credentials/${fingerprint}.json`;
  }

  async readCredentials(fingerprint: string): Promise<CredentialEntry | undefined> {
    return await this.#read(this.credentialPath(fingerprint), isCredentialEntry);
  }

  async writeCredentials(fingerprint: string, entry: CredentialEntry): Promise<void> {
    await writePrivateFile(this.credentialPath(fingerprint), JSON.stringify(entry));
  }

  async readPolicy(source: string): Promise<PolicyEntry | undefined> {
    return await this.#read(`${this.dir}/policy/${await sha256Hex(source)}.json`, isPolicyEntry);
  }

  async writePolicy(entry: PolicyEntry): Promise<void> {
    await writePrivateFile(
      `${this.dir}/policy/${await sha256Hex(entry.source)}.json`,
      JSON.stringify(entry),
    );
  }

  async readIdentity(accessKeyId: string): Promise<IdentityEntry | undefined> {
    return await this.#read(
      `${this.dir}/identity/${await sha256Hex(accessKeyId)}.json`,
      isIdentityEntry,
    );
  }

  async writeIdentity(accessKeyId: string, entry: IdentityEntry): Promise<void> {
    await writePrivateFile(
      `${this.dir}/identity/${await sha256Hex(accessKeyId)}.json`,
      JSON.stringify(entry),
    );
  }

  /**
   * Reads one entry. A file that is not a valid entry is removed and reported: Sentinel fails
   * closed rather than guess what a damaged (or tampered) cache meant.
   */
  async #read<T>(path: string, valid: (value: unknown) => value is T): Promise<T | undefined> {
    const text = await readOptionalText(path).catch((error) => {
      throw new SentinelError(
        ExitCode.Internal,
        `cannot read cache file ${path}: ${error.message}`,
      );
    });
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!valid(value)) {
      await Deno.remove(path).catch(() => {});
      throw new SentinelError(
        ExitCode.Internal,
        `the cache file ${path} was corrupted; nothing was issued and the file has been removed, so the next run starts clean`,
      );
    }
    return value;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function isCredentialEntry(v: unknown): v is CredentialEntry {
  if (!isObject(v) || v.format !== FORMAT || !isObject(v.credentials)) return false;
  const c = v.credentials;
  return [
    v.profile,
    v.roleArn,
    v.user,
    v.identityArn,
    v.region,
    v.policySource,
    v.policyHash,
    v.logFile,
    v.requestId,
    v.sourceIdentity,
  ]
    .every(isString) &&
    [v.policyTtlSeconds, v.refreshWindowSeconds, v.sessionDurationSeconds, c.expiration].every(
      isNumber,
    ) &&
    [c.accessKeyId, c.secretAccessKey, c.sessionToken].every(isString) && Array.isArray(v.sinks);
}

function isPolicyEntry(v: unknown): v is PolicyEntry {
  return isObject(v) && v.format === FORMAT && isString(v.source) && isString(v.hash) &&
    isNumber(v.fetchedAt) && isObject(v.document) && Array.isArray(v.document.rules);
}

function isIdentityEntry(v: unknown): v is IdentityEntry {
  return isObject(v) && v.format === FORMAT && isObject(v.identity) && isString(v.identity.user) &&
    isString(v.identity.arn) && isNumber(v.validUntil);
}

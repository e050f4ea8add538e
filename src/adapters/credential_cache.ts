/**
 * The issuance cache as 0600 JSON files under the cache directory (0700):
 *
 * - `credentials/<profile>-<key>.json`: issued role credentials, keyed by a fingerprint of
 *   everything that decides them (see issuance_key.ts); writing one prunes the entries the same
 *   profile left under older keys;
 * - `policy/<source>.json`: the stamp of the policy last fetched from a source (its hash and
 *   fetch time), all the warm path reads of it; `policy/<source>.document.json`: that policy's
 *   validated document, which the cold path reuses while the policy's hash is unchanged;
 * - `identity/<access key>.json`: the verified identity of a base credential;
 * - `revocations/<id>.json`: a revocation made on this host, until it expires. Unlike the other
 *   entries, one that cannot be read is kept and reads as "unknown", so no session is reused.
 *
 * `clear` removes only Sentinel's entry files inside the real cache folder: a cache folder, or a
 * folder in it, that is a symbolic link is refused before anything is removed (the link's target
 * is someone else's folder, or the person's own choice to make), and entries that are not
 * regular files are never followed.
 *
 * The cache never blocks issuance: an entry that is damaged, of another format, or not a regular
 * file is removed and reads as absent (the cold path decides afresh), and a cache that cannot be
 * read or written is reported as a warning that says how to fix it. File operations are
 * synchronous: this module is on the warm path, where each first async op costs. No npm imports.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import { CACHE_FORMAT } from "../core/limits.ts";
import { isPolicySlice } from "../core/policy/slice.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import type {
  CachedSession,
  ClearedCache,
  CredentialEntry,
  HeldRevocation,
  IdentityEntry,
  IssuanceCache,
  KeyOverrides,
  PolicyEntry,
  PolicyStamp,
} from "../ports/cache.ts";
import type { Environment } from "../core/environment.ts";
import { sha256Hex } from "./files.ts";

/** The cache files of one cache directory. */
export class FileCache implements IssuanceCache {
  readonly dir: string;
  readonly #keys = new Map<string, Promise<string>>();

  constructor(
    private readonly env: Environment,
    private readonly warn: (message: string) => void,
  ) {
    this.dir = env.paths.cacheDir;
  }

  /**
   * The key of one issuance: the profile, plus a hash of everything outside the cache that decides
   * which credentials it gets — the AWS config and credentials files, the Sentinel config file, the
   * `AWS_*`/`SENTINEL_*` environment (secrets left out) and the flags that change the result.
   * Computed once per process for the same arguments (a warm miss asks again on the cold path).
   */
  credentialKey(profile: string, overrides: KeyOverrides = {}): Promise<string> {
    // Memoised on what the key is made of, not on the whole request object: the warm attempt in
    // main.ts and the cold path after it ask with different objects for the same key.
    const flags = [
      overrides.policy ?? "",
      String(overrides.durationSeconds ?? ""),
      ...extraOverrides(overrides),
    ];
    const id = JSON.stringify([profile, ...flags]);
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = this.#computeKey(profile, flags);
      this.#keys.set(id, key);
    }
    return key;
  }

  async #computeKey(profile: string, flags: string[]): Promise<string> {
    const { awsConfig, awsCredentials, sentinelConfig } = this.env.paths;
    const files = [awsConfig, awsCredentials, sentinelConfig].map((path) =>
      `${path}\n${readIfFile(path)}`
    );
    const fingerprint = await sha256Hex(
      [profile, ...files, fingerprintEnv(this.env.vars), ...flags].join("\0"),
    );
    return `${await profilePrefix(profile)}${fingerprint}`;
  }

  readCredentials(key: string): Promise<CredentialEntry | undefined> {
    return Promise.resolve(this.#read(this.#credentialPath(key), isCredentialEntry));
  }

  writeCredentials(key: string, entry: CredentialEntry): Promise<void> {
    const path = this.#credentialPath(key);
    if (!this.#write(path, entry)) return Promise.resolve();
    const prefix = path.slice(path.lastIndexOf("/") + 1, path.lastIndexOf("-") + 1);
    try {
      for (const file of Deno.readDirSync(`${this.dir}/credentials`)) {
        const stale = `${this.dir}/credentials/${file.name}`;
        // Regular files only: a link in the folder is never followed.
        if (file.isFile && file.name.startsWith(prefix) && stale !== path) Deno.removeSync(stale);
      }
    } catch { /* pruning is best effort */ }
    return Promise.resolve();
  }

  async readPolicy(source: string): Promise<PolicyEntry | undefined> {
    const path = await this.#policyPath(source);
    const stamp = this.#read(path, isPolicyStamp);
    if (stamp === undefined) return undefined;
    const body = this.#read(documentPath(path), isPolicyBody);
    // A document of another policy (a write cut short between the two files) reads as absent.
    if (body === undefined || body.hash !== stamp.hash) return undefined;
    return { ...stampOf(stamp), document: body.document };
  }

  async readPolicyStamp(source: string): Promise<PolicyStamp | undefined> {
    return this.#read(await this.#policyPath(source), isPolicyStamp);
  }

  async writePolicy(entry: PolicyEntry): Promise<void> {
    const path = await this.#policyPath(entry.source);
    // The document first: a stamp is never left naming a document that is not there.
    if (this.#write(documentPath(path), { hash: entry.hash, document: entry.document })) {
      this.#write(path, stampOf(entry));
    }
  }

  async writePolicyStamp(stamp: PolicyStamp): Promise<void> {
    this.#write(await this.#policyPath(stamp.source), stampOf(stamp));
  }

  async removePolicy(source: string): Promise<void> {
    const path = await this.#policyPath(source);
    this.#remove(path);
    this.#remove(documentPath(path));
  }

  async lock(key: string, waitMs: number): Promise<(() => void) | undefined> {
    const path = `${this.dir}/locks/${key}.lock`;
    let file: Deno.FsFile;
    try {
      Deno.mkdirSync(`${this.dir}/locks`, { recursive: true, mode: 0o700 });
      file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
    } catch (error) {
      this.warn(`cannot take the issuance lock ${path} (${describe(error)}); ${this.#fix()}`);
      return undefined;
    }
    // flock: the kernel releases it when the holder exits, even by a crash. The wait's deadline
    // is an AbortSignal timer: the first global setTimeout loads Deno's Node-compatible timers,
    // which costs a cold call about 6 ms.
    const deadline = AbortSignal.timeout(waitMs);
    let expired = () => {};
    const pending = file.lock(true);
    const locked = await Promise.race([
      pending.then(() => true),
      new Promise<false>((resolve) => {
        expired = () => resolve(false);
        deadline.addEventListener("abort", expired, { once: true });
      }),
    ]);
    deadline.removeEventListener("abort", expired);
    if (!locked) {
      // The wait cannot be cancelled: should the lock come later, give it straight back, or a
      // long-lived process (exec --server) would hold it for good.
      pending.then(() => release(file), () => release(file));
      return undefined;
    }
    return () => release(file);
  }

  async readIdentity(accessKeyId: string): Promise<IdentityEntry | undefined> {
    return this.#read(await this.#identityPath(accessKeyId), isIdentityEntry);
  }

  async writeIdentity(accessKeyId: string, entry: IdentityEntry): Promise<void> {
    this.#write(await this.#identityPath(accessKeyId), entry);
  }

  readRevocations(now: number): Promise<HeldRevocation[] | undefined> {
    const held: HeldRevocation[] = [];
    const names = this.#revocationFiles();
    if (names === undefined) return Promise.resolve(undefined);
    for (const name of names) {
      const path = `${this.dir}/revocations/${name}`;
      let value: unknown;
      try {
        value = JSON.parse(Deno.readTextFileSync(path));
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue; // forgotten meanwhile
        this.warn(
          `cannot read the revocation ${path} (${
            describe(error)
          }); no cached session is reused until it is fixed or removed`,
        );
        return Promise.resolve(undefined);
      }
      if (!isHeldRevocation(value)) {
        this.warn(
          `the revocation ${path} is damaged; no cached session is reused until it is removed`,
        );
        return Promise.resolve(undefined);
      }
      if (value.expiresAt > now) held.push(value);
    }
    return Promise.resolve(held);
  }

  addRevocations(revocations: readonly HeldRevocation[], now: number): Promise<void> {
    for (const revocation of revocations) {
      this.#write(`${this.dir}/revocations/${revocation.id}.json`, revocation);
    }
    for (const name of this.#revocationFiles() ?? []) {
      const path = `${this.dir}/revocations/${name}`;
      try {
        const value = JSON.parse(Deno.readTextFileSync(path));
        if (isHeldRevocation(value) && value.expiresAt <= now) Deno.removeSync(path);
      } catch { /* a damaged one stays, and keeps the cache from reusing sessions */ }
    }
    return Promise.resolve();
  }

  /**
   * The revocation files (regular files named `<16 hex>.json`): none when the folder is absent,
   * `undefined` when it cannot be listed.
   */
  #revocationFiles(): string[] | undefined {
    try {
      return [...Deno.readDirSync(`${this.dir}/revocations`)]
        .filter((entry) => entry.isFile && /^[0-9a-f]{16}\.json$/.test(entry.name))
        .map((entry) => entry.name);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      this.warn(
        `cannot list ${this.dir}/revocations (${
          describe(error)
        }); no cached session is reused until it can be. ${this.#fix()}`,
      );
      return undefined;
    }
  }

  async listSessions(): Promise<CachedSession[]> {
    const sessions: CachedSession[] = [];
    for (const name of this.#entries("credentials")) {
      const entry = this.#read(`${this.dir}/credentials/${name}`, isCredentialEntry);
      if (entry === undefined) continue;
      sessions.push({
        profile: entry.subject.profile,
        user: entry.subject.user,
        roleArn: entry.subject.roleArn,
        policySource: entry.subject.policySource,
        sourceIdentity: entry.sourceIdentity,
        issuedAt: entry.issuedAt,
        expiration: entry.credentials.expiration,
      });
    }
    return await Promise.resolve(sessions.sort((a, b) => a.issuedAt - b.issuedAt));
  }

  async clear(profile?: string): Promise<ClearedCache> {
    for (const folder of ["", "/credentials", "/policy", "/identity"]) {
      this.#refuseLink(`${this.dir}${folder}`);
    }
    const removeAll = (folder: string, prefix = "") => {
      let count = 0;
      for (const name of this.#entries(folder)) {
        if (!name.startsWith(prefix)) continue;
        this.#remove(`${this.dir}/${folder}/${name}`);
        count++;
      }
      return count;
    };
    if (profile !== undefined) {
      return {
        sessions: removeAll("credentials", await profilePrefix(profile)),
        policies: 0,
        identities: 0,
      };
    }
    return {
      sessions: removeAll("credentials"),
      policies: removeAll("policy"),
      identities: removeAll("identity"),
    };
  }

  /**
   * Refuses a cache folder that is a symbolic link: `clear` must not remove files in whatever
   * folder the link leads to.
   */
  #refuseLink(path: string): void {
    let target: string;
    try {
      if (!Deno.lstatSync(path).isSymlink) return;
      target = Deno.readLinkSync(path);
    } catch {
      return; // absent: nothing to remove there
    }
    const top = path === this.dir;
    throw new SentinelError(
      "cache_symlink",
      `${path} is a symbolic link to ${target}; \`cache clear\` removes entries only inside the real cache folder, so nothing was removed. ${
        top
          ? `If ${target} is meant to be the cache, set SENTINEL_CACHE_DIR to it; otherwise remove the link`
          : "Remove the link (Sentinel makes that folder anew)"
      } and run \`sentinel cache clear\` again`,
    );
  }

  /** The entry files of one cache folder (none when it does not exist). */
  #entries(folder: string): string[] {
    try {
      return [...Deno.readDirSync(`${this.dir}/${folder}`)]
        // Only names Sentinel writes (hex digests): a cache folder pointed at the wrong place
        // must not lose the user's own .json files to `cache clear`.
        .filter((entry) => entry.isFile && ENTRY_NAME.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        this.warn(`cannot list ${this.dir}/${folder} (${describe(error)}); ${this.#fix()}`);
      }
      return [];
    }
  }

  #credentialPath(key: string): string {
    return `${this.dir}/credentials/${key}.json`;
  }

  async #policyPath(source: string): Promise<string> {
    return `${this.dir}/policy/${await sha256Hex(source)}.json`;
  }

  async #identityPath(accessKeyId: string): Promise<string> {
    return `${this.dir}/identity/${await sha256Hex(accessKeyId)}.json`;
  }

  #read<T>(path: string, valid: (value: unknown) => value is T): T | undefined {
    let text: string;
    try {
      const info = Deno.lstatSync(path);
      if (!info.isFile) {
        this.#discard(path, "is not a regular file");
        return undefined;
      }
      text = Deno.readTextFileSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      this.warn(`cannot read the cache entry ${path} (${describe(error)}); ${this.#fix()}`);
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (isObject(value) && value.format !== CACHE_FORMAT) return undefined; // another version
    if (!valid(value)) {
      this.#discard(path, "was damaged");
      return undefined;
    }
    return value;
  }

  #discard(path: string, why: string) {
    this.#remove(path);
    this.warn(`the cache entry ${path} ${why}; it was removed and Sentinel decided afresh`);
  }

  #remove(path: string) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch { /* gone already, or the next write reports it */ }
  }

  #write(path: string, entry: object): boolean {
    const dir = path.slice(0, path.lastIndexOf("/"));
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
      Deno.writeTextFileSync(temp, JSON.stringify({ format: CACHE_FORMAT, ...entry }), {
        mode: 0o600,
        createNew: true,
      });
      Deno.chmodSync(temp, 0o600);
      try {
        if (!Deno.lstatSync(path).isFile) Deno.removeSync(path, { recursive: true });
      } catch { /* absent */ }
      Deno.renameSync(temp, path);
      return true;
    } catch (error) {
      this.#remove(temp);
      this.warn(
        `could not write the cache entry ${path} (${describe(error)}); the next call will ` +
          `decide afresh. ${this.#fix()}`,
      );
      return false;
    }
  }

  #fix(): string {
    return `Fix it with \`chmod -R u+rwX ${this.dir}\` (it must belong to you), or point ` +
      `SENTINEL_CACHE_DIR at a private directory`;
  }
}

/** The `AWS_*` and `SENTINEL_*` variables that change what may be reused, secrets left out. */
export function fingerprintEnv(vars: Readonly<Record<string, string>>): string {
  const secret = new Set([
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "SENTINEL_RESOLVING",
  ]);
  return Object.keys(vars)
    .filter((key) => (key.startsWith("AWS_") || key.startsWith("SENTINEL_")) && !secret.has(key))
    .sort()
    .map((key) => `${key}=${vars[key]}`)
    .join("\n");
}

/** Where the document of the policy stamped at `stampPath` is kept. */
function documentPath(stampPath: string): string {
  return stampPath.replace(/\.json$/, ".document.json");
}

function stampOf(stamp: PolicyStamp): PolicyStamp {
  return { source: stamp.source, hash: stamp.hash, fetchedAt: stamp.fetchedAt };
}

/** The start of every credential entry name of `profile`: a hash of the name, and a dash. */
/** The name of an entry file: a digest, or a profile's digest prefix and the key's digest. */
const ENTRY_NAME = /^[0-9a-f]{16,64}(-[0-9a-f]{16,64})?\.json$/;

async function profilePrefix(profile: string): Promise<string> {
  return `${(await sha256Hex(profile)).slice(0, 16)}-`;
}

/** The v1 flags in the key, only when given (keys without them stay as they were). */
function extraOverrides(overrides: KeyOverrides): string[] {
  const flags = (overrides.awsVaultFlags ?? []).join(" ");
  const server = overrides.server === undefined ? [] : [overrides.server];
  if (overrides.region === undefined && overrides.logFile === undefined && flags === "") {
    return server;
  }
  return [overrides.region ?? "", overrides.logFile ?? "", flags, ...server];
}

function readIfFile(path: string): string {
  try {
    return Deno.statSync(path).isFile ? Deno.readTextFileSync(path) : "";
  } catch {
    return "";
  }
}

function release(file: Deno.FsFile) {
  try {
    file.unlockSync();
    file.close();
  } catch { /* released with the process anyway */ }
}

function describe(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotADirectory) return "a parent is not a directory";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return (error as Error)?.message ?? String(error);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function isCredentialEntry(v: unknown): v is CredentialEntry {
  if (!isObject(v) || !isObject(v.credentials) || !isObject(v.subject)) return false;
  const c = v.credentials;
  const s = v.subject;
  const session = [s.user, s.profile, s.roleArn, s.mode, s.policySource, s.policyHash, s.decisionId]
    .every(isString) &&
    [v.region, v.sourceIdentity].every(isString) &&
    [v.refreshWindowSeconds, v.sessionDurationSeconds, v.issuedAt, c.expiration].every(isNumber) &&
    [c.accessKeyId, c.secretAccessKey, c.sessionToken].every(isString) &&
    (v.grant === undefined || isObject(v.grant));
  if (!session) return false;
  if (v.broker !== undefined) return isString(v.broker) && v.policySlice === undefined;
  return isString(v.logFile) && isNumber(v.policyTtlSeconds) && Array.isArray(v.sinks) &&
    isPolicySlice(v.policySlice);
}

function isPolicyStamp(v: unknown): v is PolicyStamp {
  return isObject(v) && isString(v.source) && isString(v.hash) && isNumber(v.fetchedAt);
}

function isPolicyBody(v: unknown): v is { hash: string; document: PolicyDocument } {
  return isObject(v) && isString(v.hash) && isObject(v.document) &&
    Array.isArray(v.document.rules);
}

function isHeldRevocation(v: unknown): v is HeldRevocation {
  return isObject(v) && isString(v.id) && isString(v.roleArn) &&
    Array.isArray(v.patterns) && v.patterns.every(isString) && isNumber(v.before) &&
    isNumber(v.expiresAt);
}

function isIdentityEntry(v: unknown): v is IdentityEntry {
  return isObject(v) && isObject(v.identity) && isString(v.identity.user) &&
    isString(v.identity.arn) && isNumber(v.verifiedAt) && isNumber(v.validUntil);
}

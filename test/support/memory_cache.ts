/**
 * The issuance cache in memory (the IssuanceCache port). As the file cache does, a credential key
 * is the profile plus a hash of everything outside the cache that decides the credentials — the
 * AWS config and credentials files, the Sentinel config file, the `AWS_*`/`SENTINEL_*`
 * environment and the flags — so editing a config file or the environment never reuses a
 * session. Entries are copied in and out (a caller never holds a cached object), and `lock` is
 * an in-process mutex per key with the port's bounded wait.
 *
 * @module
 */
import type { Environment } from "../../src/core/environment.ts";
import { sha256Hex } from "../../src/core/text/hash.ts";
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
} from "../../src/ports/cache.ts";
import { fingerprintEnv } from "../../src/adapters/credential_cache.ts";
import type { MemoryFiles } from "./memory_files.ts";

export class MemoryCache implements IssuanceCache {
  readonly dir: string;
  readonly credentials = new Map<string, CredentialEntry>();
  readonly policies = new Map<string, { stamp: PolicyStamp; document?: PolicyEntry["document"] }>();
  readonly identities = new Map<string, IdentityEntry>();
  /** By id; `"damaged"` stands for a file that cannot be read. */
  readonly revocations = new Map<string, HeldRevocation | "damaged">();
  readonly #locks = new Map<string, Promise<void>>();

  /** `env()` and `files` are read when a key is computed: the process's view at that time. */
  constructor(private readonly env: () => Environment, private readonly files: MemoryFiles) {
    this.dir = env().paths.cacheDir;
  }

  async credentialKey(profile: string, overrides: KeyOverrides = {}): Promise<string> {
    const env = this.env();
    const { awsConfig, awsCredentials, sentinelConfig } = env.paths;
    const inputs = [awsConfig, awsCredentials, sentinelConfig].map((path) =>
      `${path}\n${this.files.get(path) ?? ""}`
    );
    const flags = JSON.stringify([
      overrides.policy ?? "",
      overrides.durationSeconds ?? "",
      overrides.region ?? "",
      overrides.logFile ?? "",
      overrides.awsVaultFlags ?? [],
      overrides.server ?? "",
    ]);
    const hash = await sha256Hex([profile, ...inputs, fingerprintEnv(env.vars), flags].join("\0"));
    return `${encodeURIComponent(profile)}~${hash.slice(0, 32)}`;
  }

  readRevocations(now: number): Promise<HeldRevocation[] | undefined> {
    const held = [...this.revocations.values()];
    if (held.includes("damaged")) return Promise.resolve(undefined);
    return Promise.resolve(
      (held as HeldRevocation[]).filter((revocation) => revocation.expiresAt > now).map(copy),
    );
  }

  addRevocations(revocations: readonly HeldRevocation[], now: number): Promise<void> {
    for (const revocation of revocations) this.revocations.set(revocation.id, copy(revocation));
    for (const [id, held] of this.revocations) {
      if (held !== "damaged" && held.expiresAt <= now) this.revocations.delete(id);
    }
    return Promise.resolve();
  }

  readCredentials(key: string): Promise<CredentialEntry | undefined> {
    return Promise.resolve(copy(this.credentials.get(key)));
  }

  writeCredentials(key: string, entry: CredentialEntry): Promise<void> {
    // As the file cache does: a new key for a profile replaces its older ones.
    const prefix = key.slice(0, key.indexOf("~") + 1);
    for (const old of this.credentials.keys()) {
      if (old.startsWith(prefix)) this.credentials.delete(old);
    }
    this.credentials.set(key, copy(entry)!);
    return Promise.resolve();
  }

  readPolicy(source: string): Promise<PolicyEntry | undefined> {
    const held = this.policies.get(source);
    if (held?.document === undefined) return Promise.resolve(undefined);
    return Promise.resolve(copy({ ...held.stamp, document: held.document }));
  }

  readPolicyStamp(source: string): Promise<PolicyStamp | undefined> {
    return Promise.resolve(copy(this.policies.get(source)?.stamp));
  }

  writePolicy(entry: PolicyEntry): Promise<void> {
    const { document, ...stamp } = copy(entry)!;
    this.policies.set(entry.source, { stamp, document });
    return Promise.resolve();
  }

  writePolicyStamp(stamp: PolicyStamp): Promise<void> {
    const held = this.policies.get(stamp.source);
    // A stamp of another policy than the document held says nothing about that document.
    const document = held?.stamp.hash === stamp.hash ? held.document : undefined;
    this.policies.set(stamp.source, { stamp: copy(stamp)!, document });
    return Promise.resolve();
  }

  removePolicy(source: string): Promise<void> {
    this.policies.delete(source);
    return Promise.resolve();
  }

  async lock(key: string, waitMs: number): Promise<(() => void) | undefined> {
    const deadline = Date.now() + waitMs;
    while (this.#locks.has(key)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = await Promise.race([
        this.#locks.get(key)!.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
      if (expired) return undefined;
    }
    let release!: () => void;
    this.#locks.set(key, new Promise<void>((resolve) => release = resolve));
    return () => {
      this.#locks.delete(key);
      release();
    };
  }

  readIdentity(accessKeyId: string): Promise<IdentityEntry | undefined> {
    return Promise.resolve(copy(this.identities.get(accessKeyId)));
  }

  writeIdentity(accessKeyId: string, entry: IdentityEntry): Promise<void> {
    this.identities.set(accessKeyId, copy(entry)!);
    return Promise.resolve();
  }

  listSessions(): Promise<CachedSession[]> {
    return Promise.resolve(
      [...this.credentials.values()].map((entry) => ({
        profile: entry.subject.profile,
        user: entry.subject.user,
        roleArn: entry.subject.roleArn,
        policySource: entry.subject.policySource,
        sourceIdentity: entry.sourceIdentity,
        issuedAt: entry.issuedAt,
        expiration: entry.credentials.expiration,
      })).sort((a, b) => a.issuedAt - b.issuedAt),
    );
  }

  clear(profile?: string): Promise<ClearedCache> {
    if (profile !== undefined) {
      const prefix = `${encodeURIComponent(profile)}~`;
      const keys = [...this.credentials.keys()].filter((key) => key.startsWith(prefix));
      for (const key of keys) this.credentials.delete(key);
      return Promise.resolve({ sessions: keys.length, policies: 0, identities: 0 });
    }
    const cleared = {
      sessions: this.credentials.size,
      policies: this.policies.size,
      identities: this.identities.size,
    };
    this.credentials.clear();
    this.policies.clear();
    this.identities.clear();
    return Promise.resolve(cleared);
  }
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

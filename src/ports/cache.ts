/**
 * The local cache issuance keeps between processes: issued credentials, validated policies and
 * verified identities. An entry that cannot be trusted (damaged, another format, stamped in the
 * future) reads as absent — the cold path then decides afresh.
 *
 * @module
 */
import type { IssuedCredentials } from "../core/issuance/credential_process.ts";
import type { Identity } from "../core/identity.ts";
import type { IssuanceSubject } from "../core/issuance/record.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { PolicySlice } from "../core/policy/slice.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";

/** Cached credentials: decided here (local mode) or by a broker. */
export type CredentialEntry = LocalCredentialEntry | BrokerCredentialEntry;

/** What every cached session holds. */
interface SessionEntry {
  subject: IssuanceSubject;
  region: string;
  refreshWindowSeconds: number;
  sourceIdentity: string;
  sessionDurationSeconds: number;
  credentials: IssuedCredentials;
  /** When it was issued, epoch ms. */
  issuedAt: number;
  /** The approval or break-glass window it was issued under, which it must not outlive. */
  grant?: { approvalRequestId?: string; breakglassEventId?: string; windowEndsAt?: number };
}

/**
 * A session a broker issued (DESIGN §15): handed out again until its refresh window, without a
 * new decision — the broker decided when it issued it, and only the broker can decide again.
 */
export interface BrokerCredentialEntry extends SessionEntry {
  /** The broker's origin. */
  broker: string;
}

/** Credentials issued here and the decision they were issued under. */
export interface LocalCredentialEntry extends SessionEntry {
  broker?: undefined;
  policyTtlSeconds: number;
  logFile: string;
  /** The log sinks configured when issued; the warm path sends its decisions there too. */
  sinks: PluginEntry[];
  /**
   * What the policy (of `subject.policyHash`) says about this subject, valid through the
   * session's life: the warm path decides again from it without reading the whole policy.
   */
  policySlice: PolicySlice;
}

/** Flags that change what an issuance gets, so they are part of its cache key. */
export interface KeyOverrides {
  policy?: string;
  durationSeconds?: number;
  region?: string;
  logFile?: string;
  /** Extra aws-vault flags (`--no-session`). */
  awsVaultFlags?: readonly string[];
  /** `--server`: the broker. */
  server?: string;
}

/** One cached session, as `sentinel cache list` shows it (no secret). */
export interface CachedSession {
  profile: string;
  user: string;
  roleArn: string;
  policySource: string;
  sourceIdentity: string;
  issuedAt: number;
  expiration: number;
}

/** What `clear` removed. */
export interface ClearedCache {
  sessions: number;
  policies: number;
  identities: number;
}

/** Which policy a source held when it was last fetched: all the warm path reads of it. */
export interface PolicyStamp {
  source: string;
  /** SHA-256 of the policy text. */
  hash: string;
  /** When it was fetched, epoch ms. */
  fetchedAt: number;
}

/** A validated policy. */
export interface PolicyEntry extends PolicyStamp {
  document: PolicyDocument;
}

/** A verified identity of a base credential. */
export interface IdentityEntry {
  identity: Identity;
  /** When STS said so, epoch ms. */
  verifiedAt: number;
  /** Epoch ms after which the base credential may no longer be valid. */
  validUntil: number;
}

/**
 * A revocation this host made (core/revocation/record.ts), as the cache keeps it: no cached
 * or held session it covers is handed out again.
 */
export interface HeldRevocation {
  /** The store record's id (16 hex digits). */
  id: string;
  roleArn: string;
  patterns: string[];
  /** Epoch ms: sessions issued before it are cut off. */
  before: number;
  /** Epoch ms: after it no session it covers is alive, and it is forgotten. */
  expiresAt: number;
}

/** The cache. Writes are atomic and private (0600). */
export interface IssuanceCache {
  readonly dir: string;
  /** The key of one issuance's credentials: changes when anything that decides them changes. */
  credentialKey(profile: string, overrides?: KeyOverrides): Promise<string>;
  readCredentials(key: string): Promise<CredentialEntry | undefined>;
  writeCredentials(key: string, entry: CredentialEntry): Promise<void>;
  readPolicy(source: string): Promise<PolicyEntry | undefined>;
  /** The cached policy's stamp alone, without reading its document. */
  readPolicyStamp(source: string): Promise<PolicyStamp | undefined>;
  writePolicy(entry: PolicyEntry): Promise<void>;
  /** Restamps the cached policy (fetched again, same hash) without writing its document again. */
  writePolicyStamp(stamp: PolicyStamp): Promise<void>;
  /** Forgets a cached policy (after a push, or when it is found stale). */
  removePolicy(source: string): Promise<void>;
  /**
   * Takes the cross-process lock named `key`, waiting at most `waitMs`: for one issuance, so a
   * burst of calls for the same profile issues once while the others wait and take the cached
   * result; and for `init`'s write of the AWS config. Resolves to the release function, or
   * `undefined` when the wait ran out (the caller goes on without). A holder that dies releases
   * the lock with it.
   */
  lock(key: string, waitMs: number): Promise<(() => void) | undefined>;
  readIdentity(accessKeyId: string): Promise<IdentityEntry | undefined>;
  writeIdentity(accessKeyId: string, entry: IdentityEntry): Promise<void>;
  /**
   * The revocations made on this host that have not expired at `now`; `undefined` when one of
   * them cannot be read — then no cached or held session may be handed out (fail closed: the
   * cold path issues afresh). Kept until they expire, even when damaged.
   */
  readRevocations(now: number): Promise<HeldRevocation[] | undefined>;
  /** Keeps `revocations` (one file each) and forgets the expired ones; warns when it cannot. */
  addRevocations(revocations: readonly HeldRevocation[], now: number): Promise<void>;
  /** Every cached session (damaged entries are skipped), oldest first. */
  listSessions(): Promise<CachedSession[]>;
  /**
   * Removes the cached sessions of `profile`; without a profile, every cached session, policy and
   * identity. Returns how many of each were removed. Removes nothing outside the real cache
   * folder: a cache folder (or one of its folders) that is a symbolic link is refused (exit 3)
   * before anything is removed.
   */
  clear(profile?: string): Promise<ClearedCache>;
}

/**
 * Commands Sentinel prints for people to run next ("approvers run: …", "end it: …"): they must work
 * when copied — by the same person in another shell, or by someone else — so they carry the flags
 * that reach the same store and, for the owner of a record, the same identity. Pure.
 *
 * @example
 * ```ts
 * import { commandLine, ownerFlags, storeFlags } from "./advice.ts";
 *
 * const store = { kind: "dynamodb", name: "t", text: "dynamodb:t", from: "--store" } as const;
 * commandLine(["sentinel", "approve", "0a1b2c3d4e5f6a7b", ...storeFlags(store)]);
 * // "sentinel approve 0a1b2c3d4e5f6a7b --store dynamodb:t"
 * commandLine(["sentinel", "cancel", "0a1b2c3d4e5f6a7b", ...ownerFlags({ awsProfile: "alice", store })]);
 * // "sentinel cancel 0a1b2c3d4e5f6a7b --aws-profile alice --store dynamodb:t"
 * ```
 * @module
 */
import { shellQuote } from "../issuance/credential_formats.ts";
import type { IssuanceSettings } from "../issuance/settings.ts";
import type { StoreSetting } from "../store/location.ts";

/** The identity and store the owner of a record (its requester, its invoker) used. */
export interface Owner {
  /** The profile whose base credentials identified them, when a profile did. */
  awsProfile?: string;
  store: StoreSetting;
}

/** The owner of what was made with a profile's settings. */
export function ownerOf(
  settings: Pick<IssuanceSettings, "source" | "sourceProfile" | "store">,
): Owner {
  return {
    ...(settings.source === "env" || settings.sourceProfile === undefined
      ? {}
      : { awsProfile: settings.sourceProfile }),
    store: settings.store,
  };
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The words as one command line: each quoted only where a shell would split or expand it. */
export function commandLine(words: readonly string[]): string {
  return words.map((word) => PLAIN_WORD.test(word) ? word : shellQuote(word)).join(" ");
}

/**
 * `--store <store>` for someone else's command: another person's settings may name another store
 * (or their own default file), so the store is always said — or, for a broker's store, which
 * nobody but the broker opens, `--server <broker>`.
 */
export function storeFlags(store: StoreSetting): string[] {
  return store.broker === undefined ? ["--store", store.text] : ["--server", store.broker];
}

/**
 * The flags that make the owner's later command (cancel, close, show) reach the same identity and
 * store: `--aws-profile` of the base credentials used, when they came from a profile, and
 * `--store` when the store was named on the command line (any other source is still in force).
 */
export function ownerFlags(owner: Owner): string[] {
  return [
    ...(owner.awsProfile === undefined ? [] : ["--aws-profile", owner.awsProfile]),
    ...(owner.store.broker !== undefined || owner.store.from === undefined ||
        owner.store.from.startsWith("--")
      ? storeFlags(owner.store)
      : []),
  ];
}

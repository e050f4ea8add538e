/**
 * The SourceIdentity and RoleSessionName Sentinel stamps on every role session.
 *
 * AWS allows 2–64 characters of `[\w+=,.@-]` in both. The SourceIdentity is
 * `sentinel=<user>=<request id>`: the user escaped so that any name fits (`+HH` for each UTF-8 byte
 * of a character outside `[A-Za-z0-9_,.@-]`), cut at an escape boundary when too long (a trailing
 * `+` marks the cut), and a 64-bit request id in 16 hex digits that joins CloudTrail's
 * `userIdentity.sourceIdentity` to the decision log.
 *
 * @example
 * ```ts
 * const stamp = formatSourceIdentity("alice@example.com", "0123456789abcdef");
 * // "sentinel=alice@example.com=0123456789abcdef"
 * parseSourceIdentity(stamp); // { user: "alice@example.com", id: "0123456789abcdef", truncated: false, breakglass: false }
 * formatSourceIdentity("alice", "0123456789abcdef", { breakglass: true });
 * // "sentinel=alice=bg0123456789abcdef"
 * ```
 * @module
 */

/** The prefix every Sentinel SourceIdentity starts with. */
export const SOURCE_IDENTITY_PREFIX = "sentinel=";
/** A request id: 16 lowercase hex digits (64 bits). */
export const DECISION_ID_PATTERN = /^[0-9a-f]{16}$/;
/** What AWS accepts in a SourceIdentity or RoleSessionName. */
export const AWS_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

const MAX_LENGTH = 64;
const PLAIN = /^[A-Za-z0-9_,.@-]$/;
const encoder = new TextEncoder();

/** Escapes each character into the allowed alphabet; returns the pieces, one per character. */
function escapePieces(user: string): string[] {
  const pieces: string[] = [];
  for (const char of user) {
    if (PLAIN.test(char)) pieces.push(char);
    else {
      pieces.push(
        Array.from(encoder.encode(char), (b) => "+" + b.toString(16).toUpperCase().padStart(2, "0"))
          .join(""),
      );
    }
  }
  return pieces;
}

/** Joins whole pieces up to `budget` characters; reports whether any were left out. */
function fit(pieces: string[], budget: number): { text: string; truncated: boolean } {
  let text = "";
  for (const piece of pieces) {
    if (text.length + piece.length > budget) return { text, truncated: true };
    text += piece;
  }
  return { text, truncated: false };
}

/** The escaped form of a user name, whole. */
export function escapeUser(user: string): string {
  return escapePieces(user).join("");
}

/** Reverses {@link escapeUser}; invalid escapes are kept as written. */
export function unescapeUser(escaped: string): string {
  const bytes: number[] = [];
  let text = "";
  const flush = () => {
    if (bytes.length > 0) {
      // ignoreBOM: a user name may start with U+FEFF, which must come back, not be dropped.
      text += new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < escaped.length; i++) {
    const hex = escaped.slice(i + 1, i + 3);
    if (escaped[i] === "+" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      flush();
      text += escaped[i];
    }
  }
  flush();
  return text;
}

/** Marks the id of a break-glass session: `sentinel=<user>=bg<event id>`. */
export const BREAKGLASS_MARK = "bg";

/**
 * Builds the SourceIdentity for a user and an id: the decision's — or, for a break-glass
 * session, the event's, marked with {@link BREAKGLASS_MARK}, so CloudTrail tells those sessions
 * apart.
 */
export function formatSourceIdentity(
  user: string,
  stampId: string,
  options: { breakglass?: boolean } = {},
): string {
  if (!DECISION_ID_PATTERN.test(stampId)) {
    throw new RangeError(`the id must be 16 hex digits, got "${stampId}"`);
  }
  const id = options.breakglass ? BREAKGLASS_MARK + stampId : stampId;
  const budget = MAX_LENGTH - SOURCE_IDENTITY_PREFIX.length - 1 - id.length;
  const pieces = escapePieces(user);
  const whole = fit(pieces, budget);
  const userPart = whole.truncated ? fit(pieces, budget - 1).text + "+" : whole.text;
  return `${SOURCE_IDENTITY_PREFIX}${userPart}=${id}`;
}

/** What a SourceIdentity says. */
export interface ParsedSourceIdentity {
  user: string;
  /** The decision id — for a break-glass session, the event id. */
  id: string;
  /** The user name was too long and is only a prefix. */
  truncated: boolean;
  /** A break-glass session: `id` is the event id. */
  breakglass: boolean;
}

/** Parses a Sentinel SourceIdentity, or returns `undefined` when it is not one. */
export function parseSourceIdentity(value: string): ParsedSourceIdentity | undefined {
  if (!AWS_NAME_PATTERN.test(value) || !value.startsWith(SOURCE_IDENTITY_PREFIX)) return undefined;
  const rest = value.slice(SOURCE_IDENTITY_PREFIX.length);
  const cut = rest.lastIndexOf("=");
  if (cut === -1) return undefined;
  const idPart = rest.slice(cut + 1);
  const breakglass = idPart.startsWith(BREAKGLASS_MARK);
  const id = breakglass ? idPart.slice(BREAKGLASS_MARK.length) : idPart;
  if (!DECISION_ID_PATTERN.test(id)) return undefined;
  let userPart = rest.slice(0, cut);
  const truncated = userPart.endsWith("+") && !/\+[0-9A-F]{2}$/.test(userPart);
  if (truncated) userPart = userPart.slice(0, -1);
  return { user: unescapeUser(userPart), id, truncated, breakglass };
}

/**
 * A RoleSessionName that names the user (escaped like the SourceIdentity, cut to 64 characters at
 * an escape boundary). Names shorter than two characters are padded with `-`.
 */
export function roleSessionName(user: string): string {
  const { text } = fit(escapePieces(user), MAX_LENGTH);
  return text.length >= 2 ? text : (text + "--").slice(0, 2);
}

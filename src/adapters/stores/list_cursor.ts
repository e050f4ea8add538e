/**
 * The cursor of a store list, the same for both stores: the position of the last item a page
 * returned (its creation time and id, newest first), so that the next page starts right after it
 * whatever happened in between — nothing is lost or repeated among the items that existed. The
 * text is opaque to callers (base64url of a small JSON array) and names what it lists, so a
 * request cursor cannot be replayed on events.
 *
 * @module
 */
import { SentinelError } from "../../core/errors.ts";
import type { StoredRecord } from "../../core/store/records.ts";
import type { Page } from "../../ports/stores.ts";
import { readableAndDamaged } from "./record_checks.ts";

/** What a list lists. */
export type ListKind = "request" | "event";

/** Where a page ended: the last item's creation time and id. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

/** The cursor text for the page after `position`. */
export function encodeCursor(kind: ListKind, position: ListPosition): string {
  const json = JSON.stringify([kind, position.createdAt, position.id]);
  return btoa(String.fromCharCode(...new TextEncoder().encode(json)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position a cursor of `kind` stands for; a foreign or damaged cursor is a usage error. */
export function decodeCursor(kind: ListKind, cursor: string): ListPosition {
  try {
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const value = JSON.parse(new TextDecoder().decode(bytes));
    if (
      Array.isArray(value) && value.length === 3 && value[0] === kind &&
      Number.isSafeInteger(value[1]) && typeof value[2] === "string" && value[2] !== ""
    ) {
      return { createdAt: value[1], id: value[2] };
    }
  } catch { /* reported below */ }
  throw new SentinelError(
    "usage",
    `"${cursor.slice(0, 60)}" is not a cursor of this ${kind} list; list again without it`,
  );
}

/** Checks a page size: a whole number from 1. */
export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new SentinelError("usage", `a page holds 1 item or more, not ${limit}`);
  }
  return limit;
}

/** The page of the first `limit` of `items` (fetched one beyond) and the cursor after it. */
export function pageOf<T extends ListPosition>(
  kind: ListKind,
  items: T[],
  limit: number,
): { items: T[]; next?: string } {
  if (items.length <= limit) return { items };
  const page = items.slice(0, limit);
  return { items: page, next: encodeCursor(kind, page[limit - 1]) };
}

/** One record of a list as read: its position (from the store's keys) and what its body holds. */
export type ListedEntry<T> = ListPosition & { read: StoredRecord<T> };

/**
 * The page of the first `limit` of `entries` (fetched one beyond): the readable records in
 * `items`, the damaged ones named in `damaged`. The cursor is the position of the page's last
 * entry, readable or not, so a damaged record neither ends the list early nor repeats.
 */
export function pageOfEntries<T>(
  kind: ListKind,
  entries: ListedEntry<T>[],
  limit: number,
  where: string,
): Page<T> {
  const page = pageOf(kind, entries, limit);
  const { items, damaged } = readableAndDamaged(page.items, where);
  return {
    items,
    ...(page.next === undefined ? {} : { next: page.next }),
    ...(damaged.length === 0 ? {} : { damaged }),
  };
}

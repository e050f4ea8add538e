import { assertEquals, assertThrows, assertTrue } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import {
  mergeRevocation,
  parseRevocationDocument,
  revokedPatterns,
  ROLE_INLINE_POLICY_LIMIT,
  sizeOf,
} from "./role_policy.ts";

const NOON = Date.parse("2026-12-07T12:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;

const patternsOf = (merged: ReturnType<typeof mergeRevocation>) =>
  merged.document.Statement.map((s) => [
    s.Condition.DateLessThan["aws:TokenIssueTime"],
    s.Condition.StringLike["aws:SourceIdentity"],
  ]);

Deno.test("a person's patterns match their stamps exactly as issued: every session, or only break-glass ones; long names as cut", () => {
  assertEquals(revokedPatterns("alice"), ["sentinel=alice=*"]);
  assertEquals(revokedPatterns("alice", { breakglass: true }), ["sentinel=alice=bg*"]);
  assertEquals(revokedPatterns("Zoë"), ["sentinel=Zo+C3+AB=*"]);
  const long = revokedPatterns("a".repeat(80))[0];
  assertTrue(long.length <= 64 && long.startsWith("sentinel=aaaa") && long.endsWith("+=*"), long);
});

Deno.test("merging is idempotent, one statement per cutoff; a later revocation of the same person moves them to it", () => {
  const alice = { patterns: revokedPatterns("alice"), before: NOON + 500 };
  const once = mergeRevocation(undefined, alice, NOON);
  assertEquals(patternsOf(once), [["2026-12-07T12:00:01.000Z", ["sentinel=alice=*"]]]);
  const twice = mergeRevocation(once.document, alice, NOON);
  assertEquals(twice.document, once.document, "the same revocation again changes nothing");
  const bob = mergeRevocation(twice.document, { ...alice, patterns: revokedPatterns("bob") }, NOON);
  assertEquals(patternsOf(bob), [[
    "2026-12-07T12:00:01.000Z",
    ["sentinel=alice=*", "sentinel=bob=*"],
  ]]);
  const later = mergeRevocation(bob.document, { ...alice, before: NOON + HOUR }, NOON + HOUR);
  assertEquals(patternsOf(later), [
    ["2026-12-07T12:00:01.000Z", ["sentinel=bob=*"]],
    ["2026-12-07T13:00:00.000Z", ["sentinel=alice=*"]],
  ]);
});

Deno.test("statements no live session can match (cutoff older than the longest session, 12 h) are collected", () => {
  const first = mergeRevocation(
    undefined,
    { patterns: revokedPatterns("alice"), before: NOON },
    NOON,
  );
  const bob = { patterns: revokedPatterns("bob"), before: NOON + 12 * HOUR };
  const kept = mergeRevocation(first.document, bob, NOON + 12 * HOUR - 1000);
  assertEquals([kept.collected, kept.document.Statement.length], [0, 2]);
  const gone = mergeRevocation(first.document, bob, NOON + 12 * HOUR);
  assertEquals([gone.collected, patternsOf(gone)], [1, [[
    "2026-12-08T00:00:00.000Z",
    ["sentinel=bob=*"],
  ]]]);
});

Deno.test("200 people revoked one minute apart on one role stay under IAM's limit: consolidated into one statement at the latest cutoff, which denies more, never less", () => {
  let document;
  let largest = 0;
  let consolidatedOnce = false;
  for (let i = 0; i < 200; i++) {
    const now = NOON + i * MIN;
    const merged = mergeRevocation(document, {
      patterns: revokedPatterns(`person-${i}@example.com`),
      before: now,
    }, now);
    document = merged.document;
    largest = Math.max(largest, merged.size);
    consolidatedOnce ||= merged.consolidated;
    assertTrue(merged.size <= ROLE_INLINE_POLICY_LIMIT, `${merged.size} after ${i + 1}`);
  }
  assertTrue(consolidatedOnce, "the limit was reached and handled");
  const patterns = document!.Statement.flatMap((s) => s.Condition.StringLike["aws:SourceIdentity"]);
  assertEquals(patterns.length, 200, "nobody lost");
  assertTrue(largest <= ROLE_INLINE_POLICY_LIMIT, `largest ${largest}`);
  const last = document!.Statement.at(-1)!.Condition.DateLessThan["aws:TokenIssueTime"];
  assertEquals(last, new Date(NOON + 199 * MIN).toISOString());
  console.log(`largest document: ${largest} characters for 200 people`);
});

Deno.test("when even one statement cannot hold them all, the revocation is refused (exit 3) and nothing is merged", () => {
  const many = Array.from({ length: 30 }, (_, i) => `sentinel=${"p".repeat(40)}${i}=*`);
  const error = assertThrows(
    () => mergeRevocation(undefined, { patterns: many, before: NOON }, NOON, 1_000),
    SentinelError,
  );
  assertEquals((error as SentinelError).code, "revocation_too_large");
});

Deno.test("a policy of that name that Sentinel did not write is not merged into", () => {
  const merged = mergeRevocation(undefined, { patterns: revokedPatterns("a"), before: NOON }, NOON);
  const text = JSON.stringify(merged.document);
  assertEquals(parseRevocationDocument(text), { ok: true, document: merged.document });
  assertEquals(sizeOf(merged.document), text.length);
  for (
    const other of [
      "nope",
      "{}",
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      '{"Statement":[{"Effect":"Deny","Condition":{"StringLike":{"aws:SourceIdentity":["x"]}}}]}',
    ]
  ) {
    assertEquals(parseRevocationDocument(other).ok, false, other);
  }
});

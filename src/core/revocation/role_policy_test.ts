import { assertEquals, assertThrows, assertTrue } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import { formatSourceIdentity } from "../issuance/source_identity.ts";
import {
  isRevocationPattern,
  mergeRevocation,
  mergeRevocations,
  parseRevocationDocument,
  type RevocableSession,
  revocationChanges,
  revocationCovers,
  revokedPatterns,
  ROLE_INLINE_POLICY_LIMIT,
  sizeOf,
  stringLike,
} from "./role_policy.ts";

const NOON = Date.parse("2026-12-07T12:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = NOON;

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

Deno.test("mergeRevocations folds records in: the same result as merging one by one, idempotent, and without records only collects", () => {
  const at = (minutes: number) => T0 + minutes * 60_000;
  const records = ["alice", "bob", "alice"].map((user, i) => ({
    patterns: revokedPatterns(user),
    before: at(i),
  }));
  const folded = mergeRevocations(undefined, records, at(5));
  assertEquals(
    folded.document.Statement.map((s) => s.Condition.StringLike["aws:SourceIdentity"]),
    [["sentinel=bob=*"], ["sentinel=alice=*"]],
  );
  assertEquals(mergeRevocations(folded.document, records, at(5)).document, folded.document);
  const later = mergeRevocations(folded.document, [], at(12 * 60 + 1));
  assertEquals(later.document.Statement.map((s) => s.Sid), [
    `SentinelRevokedBefore${new Date(at(2)).toISOString().replace(/\D/g, "").slice(0, 14)}`,
  ]);
  assertEquals(later.collected, 1);
});

Deno.test("revocationChanges lists the patterns added and removed, by cutoff, sorted", () => {
  const first = mergeRevocations(undefined, [{ patterns: ["sentinel=bob=*"], before: T0 }], T0);
  const next = mergeRevocations(first.document, [
    { patterns: ["sentinel=bob=*", "sentinel=alice=*"], before: T0 + 60_000 },
  ], T0 + 60_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  assertEquals(revocationChanges(first.document, next.document), [
    { change: "added", pattern: "sentinel=alice=*", before: iso(T0 + 60_000) },
    { change: "removed", pattern: "sentinel=bob=*", before: iso(T0) },
    { change: "added", pattern: "sentinel=bob=*", before: iso(T0 + 60_000) },
  ]);
  assertEquals(revocationChanges(next.document, next.document), []);
});

Deno.test("revocationCovers: same role, a pattern matches as IAM's StringLike does, issued before the cutoff (rounded up to the second)", () => {
  const role = "arn:aws:iam::123456789012:role/SentinelProd";
  const revocation = { roleArn: role, patterns: revokedPatterns("alice"), before: T0 + 500 };
  const session = (over: Partial<RevocableSession> = {}): RevocableSession => ({
    roleArn: role,
    sourceIdentity: formatSourceIdentity("alice", "0123456789abcdef"),
    issuedAt: T0,
    ...over,
  });
  assertEquals(revocationCovers(revocation, session()), true);
  assertEquals(revocationCovers(revocation, session({ issuedAt: T0 + 999 })), true, "same second");
  assertEquals(revocationCovers(revocation, session({ issuedAt: T0 + 1000 })), false, "after");
  assertEquals(revocationCovers(revocation, session({ roleArn: `${role}2` })), false, "other role");
  assertEquals(
    revocationCovers(
      revocation,
      session({ sourceIdentity: formatSourceIdentity("alicex", "0123456789abcdef") }),
    ),
    false,
    "alicex is not alice",
  );
  const event = {
    ...revocation,
    patterns: [formatSourceIdentity("alice", "00000000000000aa", { breakglass: true })],
  };
  assertEquals(
    revocationCovers(event, session()),
    false,
    "an event's revocation: not her ordinary session",
  );
  assertEquals(
    revocationCovers(event, session({ sourceIdentity: event.patterns[0] })),
    true,
    "that event's session",
  );
  assertEquals(stringLike("a.b", "a?b"), true);
  assertEquals(stringLike("a.b", "a.c"), false);
  assertEquals(stringLike("x+41y", "x+41*"), true, "+ is literal");
});

Deno.test("a long name's break-glass stamps are cut two characters sooner: revoking the person covers them too; an event pattern or a wildcard is told apart", () => {
  const long = "alice.longname.department@example-corp.com"; // 42 characters
  const patterns = revokedPatterns(long);
  assertEquals(patterns.length, 2);
  const role = "arn:aws:iam::123456789012:role/SentinelProd";
  const covers = (stamp: string) =>
    revocationCovers({ roleArn: role, patterns, before: T0 + 1000 }, {
      roleArn: role,
      sourceIdentity: stamp,
      issuedAt: T0,
    });
  assertTrue(covers(formatSourceIdentity(long, "0123456789abcdef")), "her ordinary session");
  assertTrue(
    covers(formatSourceIdentity(long, "0123456789abcdef", { breakglass: true })),
    "her break-glass session",
  );
  assertEquals(revokedPatterns("alice"), ["sentinel=alice=*"], "a short name: one pattern");
  for (
    const pattern of [
      ...patterns,
      formatSourceIdentity("bob", "00000000000000aa", { breakglass: true }),
    ]
  ) {
    assertTrue(isRevocationPattern(pattern), pattern);
  }
  for (const forged of ["*", "sentinel=*", "sentinel=a*=*", "sentinel=a=?", "sentinel==*", "x"]) {
    assertEquals(isRevocationPattern(forged), false, forged);
  }
});

import fc from "fast-check";
import { assertEquals, assertMatch, assertTrue } from "../../../test/assert.ts";
import {
  AWS_NAME_PATTERN,
  formatSourceIdentity,
  parseSourceIdentity,
  roleSessionName,
} from "./source_identity.ts";

const ID = "0123456789abcdef";

Deno.test("plain names pass through unchanged", () => {
  assertEquals(formatSourceIdentity("alice@example.com", ID), `sentinel=alice@example.com=${ID}`);
  assertEquals(roleSessionName("alice@example.com"), "alice@example.com");
  assertEquals(parseSourceIdentity(`sentinel=alice@example.com=${ID}`), {
    user: "alice@example.com",
    id: ID,
    truncated: false,
    breakglass: false,
  });
});

Deno.test("break-glass sessions carry the event id behind a bg mark", () => {
  const stamp = formatSourceIdentity("alice@example.com", ID, { breakglass: true });
  assertEquals(stamp, `sentinel=alice@example.com=bg${ID}`);
  assertEquals(parseSourceIdentity(stamp), {
    user: "alice@example.com",
    id: ID,
    truncated: false,
    breakglass: true,
  });
  assertEquals(parseSourceIdentity(`sentinel=alice=bgXYZ`), undefined);
});

Deno.test("characters AWS refuses are escaped and come back", () => {
  const stamp = formatSourceIdentity("Jürgen Groß=admin+1", ID);
  assertEquals(stamp, `sentinel=J+C3+BCrgen+20Gro+C3+9F+3Dadmin+2B1=${ID}`);
  assertEquals(parseSourceIdentity(stamp)?.user, "Jürgen Groß=admin+1");
});

Deno.test("long names are cut at an escape boundary and marked", () => {
  const user = "a".repeat(37) + "é" + "b".repeat(100);
  const stamp = formatSourceIdentity(user, ID);
  assertEquals(stamp.length <= 64, true);
  const parsed = parseSourceIdentity(stamp)!;
  assertEquals(parsed.truncated, true);
  assertEquals(parsed.user, "a".repeat(37));
  assertEquals(roleSessionName("x".repeat(200)).length, 64);
  assertEquals(roleSessionName("x"), "x-");
});

Deno.test("non-Sentinel values do not parse", () => {
  for (const value of ["alice", "sentinel=alice", `sentinel=alice=XYZ`, `other=a=${ID}`, "s"]) {
    assertEquals(parseSourceIdentity(value), undefined, value);
  }
});

Deno.test("property: any user name yields a valid, parseable SourceIdentity and RoleSessionName", () => {
  const names = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.emailAddress(),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      "",
      "+",
      "=",
      "++==",
      "\u0000\u0007\n\t",
      "\uFEFF",
      "a\uFEFF",
      "😀".repeat(40),
      "a".repeat(200),
    ),
  );
  const requestIds = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) =>
    n.toString(16).padStart(16, "0")
  );
  fc.assert(
    fc.property(names, requestIds, fc.boolean(), (user, id, breakglass) => {
      const stamp = formatSourceIdentity(user, id, { breakglass });
      assertMatch(stamp, AWS_NAME_PATTERN);
      assertTrue(stamp.startsWith("sentinel="));
      const parsed = parseSourceIdentity(stamp);
      assertTrue(parsed !== undefined, stamp);
      assertEquals([parsed.id, parsed.breakglass], [id, breakglass]);
      if (parsed.truncated) assertTrue(user.startsWith(parsed.user), `${user} / ${parsed.user}`);
      else assertEquals(parsed.user, user);
      assertMatch(roleSessionName(user), AWS_NAME_PATTERN);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("a user name starting with U+FEFF comes back whole", () => {
  const stamp = formatSourceIdentity("\uFEFFalice", ID);
  assertEquals(stamp, `sentinel=+EF+BB+BFalice=${ID}`);
  assertEquals(parseSourceIdentity(stamp)?.user, "\uFEFFalice");
});

import { assertEquals, assertIncludes, assertTrue } from "../../../test/assert.ts";
import { instantSchema, parsePolicyTests } from "./expected_decisions.ts";

const ok = (text: string) => {
  const parsed = instantSchema.safeParse(text);
  assertTrue(parsed.success, `${text}: ${!parsed.success && parsed.error.issues[0].message}`);
  return parsed.data;
};

const rejected = (text: string) => {
  const parsed = instantSchema.safeParse(text);
  assertTrue(!parsed.success, `${text} was accepted as ${parsed.data}`);
  return parsed.error.issues[0].message;
};

Deno.test("instants: valid RFC 3339 times parse to the exact epoch milliseconds", () => {
  const cases: [string, string][] = [
    ["2026-03-02T10:00:00Z", "2026-03-02T10:00:00.000Z"],
    ["2026-03-02T10:00:00+01:00", "2026-03-02T09:00:00.000Z"],
    ["2026-03-02T10:00:00-05:30", "2026-03-02T15:30:00.000Z"],
    ["2026-03-02T10:00Z", "2026-03-02T10:00:00.000Z"],
    ["2026-03-02T23:59:59.999Z", "2026-03-02T23:59:59.999Z"],
    ["2026-03-02T00:00:00.5Z", "2026-03-02T00:00:00.500Z"],
    ["2026-03-02T00:00:00.123456789Z", "2026-03-02T00:00:00.123Z"],
    ["2028-02-29T12:00:00Z", "2028-02-29T12:00:00.000Z"], // leap year
    ["2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"], // divisible by 400
    ["2026-12-31T23:59:59+14:00", "2026-12-31T09:59:59.000Z"],
    ["0099-01-01T00:00:00Z", "0099-01-01T00:00:00.000Z"], // not read as 1999
  ];
  for (const [text, iso] of cases) assertEquals(new Date(ok(text)).toISOString(), iso, text);
});

Deno.test("attack: impossible dates and times are rejected, not rolled over", () => {
  const cases: [string, string][] = [
    ["2026-02-30T00:00:00Z", "February 2026 has 28 days"],
    ["2026-02-29T00:00:00Z", "February 2026 has 28 days"],
    ["1900-02-29T00:00:00Z", "February 1900 has 28 days"],
    ["2026-04-31T00:00:00Z", "April 2026 has 30 days"],
    ["2026-03-00T00:00:00Z", "day 00 does not exist"],
    ["2026-13-01T00:00:00Z", "month 13 does not exist"],
    ["2026-00-10T00:00:00Z", "month 00 does not exist"],
    ["2026-03-02T24:01:00Z", "hour 24 does not exist"],
    ["2026-03-02T24:00:00Z", "hour 24 does not exist"],
    ["2026-03-02T10:60:00Z", "minute 60 does not exist"],
    ["2026-03-02T10:00:61Z", "second 61 does not exist"],
    ["2026-12-31T23:59:60Z", "leap second"],
    ["2026-03-02T10:00:00+24:00", "offset +24:00 is out of range"],
    ["2026-03-02T10:00:00+01:60", "offset +01:60 is out of range"],
  ];
  for (const [text, fragment] of cases) {
    const message = rejected(text);
    assertIncludes(message, `"${text}" is not a real time`, text);
    assertIncludes(message, fragment, text);
  }
});

Deno.test("instants: malformed text gets the format hint", () => {
  for (const text of ["tomorrow", "2026-03-02", "2026-03-02 10:00:00Z", "2026-3-2T10:00:00Z"]) {
    assertIncludes(rejected(text), "is not an RFC 3339 time with an offset", text);
  }
});

Deno.test("attack: a policy test at an impossible date is an error at its line", () => {
  const result = parsePolicyTests(`tests:
  - name: leap
    profile: prod
    user: alice
    at: "2026-02-30T00:00:00Z"
    expect: allow
`);
  assertTrue(!result.ok);
  assertEquals(result.issues.length, 1);
  assertEquals(result.issues[0].line, 5);
  assertIncludes(result.issues[0].message, "February 2026 has 28 days");
});

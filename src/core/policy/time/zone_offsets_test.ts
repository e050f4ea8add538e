import fc from "fast-check";
import { assertEquals } from "../../../../test/assert.ts";
import { isKnownTimeZone, tableOffset, ZoneOffsets } from "./zone_offsets.ts";

/** The offset read straight from Intl, the reference the table must agree with. */
function referenceOffset(timeZone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(epochMs);
  const f = Object.fromEntries(parts.map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute);
  return Math.round((local - Math.floor(epochMs / 60_000) * 60_000) / 60_000);
}

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe", // 30-minute DST shift
  "Asia/Kolkata", // +05:30, no DST
  "America/St_Johns", // -03:30 with DST
  "Pacific/Chatham", // +12:45 / +13:45
  "Africa/Casablanca", // DST suspended during Ramadan
];

Deno.test("offsets agree with Intl at random instants across 1990-2060", () => {
  const tables = new Map(ZONES.map((zone) => [zone, new ZoneOffsets(zone)]));
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
      (zone, epochMs) => {
        assertEquals(
          tables.get(zone)!.offsetMinutes(epochMs),
          referenceOffset(zone, epochMs),
        );
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("offsets switch exactly at the transition minute", () => {
  const berlin = new ZoneOffsets("Europe/Berlin");
  const change = Date.UTC(2026, 2, 29, 1, 0); // 02:00 CET -> 03:00 CEST
  assertEquals(berlin.offsetMinutes(change - 1), 60);
  assertEquals(berlin.offsetMinutes(change), 120);
  const back = Date.UTC(2026, 9, 25, 1, 0); // 03:00 CEST -> 02:00 CET
  assertEquals(berlin.offsetMinutes(back - 1), 120);
  assertEquals(berlin.offsetMinutes(back), 60);
});

Deno.test("known and unknown zone names", () => {
  assertEquals(isKnownTimeZone("Europe/Berlin"), true);
  assertEquals(isKnownTimeZone("UTC"), true);
  assertEquals(isKnownTimeZone("Mars/Base"), false);
  assertEquals(isKnownTimeZone(""), false);
});

Deno.test("names Temporal lacks are read from Intl; unknown names throw", () => {
  // `Factory` and the retired link Canada/East-Saskatchewan are Intl names Temporal does not know.
  assertEquals(new ZoneOffsets("Factory").offsetMinutes(Date.UTC(2026, 6, 1)), 0);
  const regina = new ZoneOffsets("Canada/East-Saskatchewan");
  assertEquals(regina.offsetMinutes(Date.UTC(2026, 0, 1)), -360);
  assertEquals(regina.offsetMinutes(Date.UTC(2026, 6, 1)), -360);
  let thrown: unknown;
  try {
    new ZoneOffsets("Mars/Base");
  } catch (error) {
    thrown = error;
  }
  assertEquals(thrown instanceof RangeError, true);
  // Temporal reads an ISO date-time as a zone; it is not a zone name here.
  assertEquals(isKnownTimeZone("2026-01-01T00:00Z"), false);
});

Deno.test("a table gives the zone's offsets inside its span and nothing outside it", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES, "Factory"),
      fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2055, 0, 1) }),
      fc.integer({ min: 1, max: 800 * 86_400_000 }),
      fc.double({ min: -0.1, max: 1.1, noNaN: true }),
      (zone, from, span, where) => {
        const offsets = new ZoneOffsets(zone);
        const table = JSON.parse(JSON.stringify(offsets.table(from, from + span)));
        const at = Math.floor(from + where * span);
        const expected = at >= from && at < from + span ? offsets.offsetMinutes(at) : undefined;
        assertEquals(tableOffset(table, at), expected);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("a table switches exactly at the transition", () => {
  const change = Date.UTC(2026, 2, 29, 1, 0); // Berlin 02:00 CET -> 03:00 CEST
  const table = new ZoneOffsets("Europe/Berlin").table(change - 86_400_000, change + 86_400_000);
  assertEquals(table.starts.length, 2);
  assertEquals(tableOffset(table, change - 1), 60);
  assertEquals(tableOffset(table, change), 120);
  assertEquals(tableOffset(table, change + 86_400_000), undefined);
  assertEquals(tableOffset(table, change - 86_400_001), undefined);
});

Deno.test("isKnownTimeZone answers as Intl does, for every zone Intl lists and odd names", () => {
  const intlKnows = (name: string) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
      return true;
    } catch {
      return false;
    }
  };
  const odd = [
    "",
    " ",
    "utc",
    "Etc/UTC",
    "GMT",
    "Z",
    "+01:00",
    "-05:30",
    "+0100",
    "+01",
    "-00:00",
    "+24:00",
    "europe/berlin",
    "Europe/Berlin ",
    "US/Pacific",
    "EST5EDT",
    "Etc/GMT+14",
    "Factory",
    "Canada/East-Saskatchewan",
    "localtime",
    "2026-01-01T00:00Z",
    "1970-01-01T00:00:00+01:00[Europe/Berlin]",
    "Europe/Berlin\u0000",
    "Mars/Base",
  ];
  for (const name of [...Intl.supportedValuesOf("timeZone"), ...odd]) {
    assertEquals(isKnownTimeZone(name), intlKnows(name), JSON.stringify(name));
  }
});

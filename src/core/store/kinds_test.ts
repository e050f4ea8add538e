/**
 * The kinds of store: each setting parses as before, with the same messages, whatever the
 * registry holds; what each kind says of itself (reach, doctor's advice, templates); and the
 * settings table's help text made from the registry.
 */
import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import { isAwsStore, isFileStore, storeKind, storeKindNamed, storeKindsHelp } from "./kinds.ts";
import { parseStoreLocation } from "./location.ts";

const NEITHER =
  "is neither sqlite:<path> nor dynamodb:<table>; for example sqlite:~/.local/share/sentinel/sentinel.db or dynamodb:sentinel-state";

Deno.test("each kind's setting parses to its name, with where it came from", () => {
  assertEquals(parseStoreLocation("sqlite:~/s.db", "/home/a", "--store"), {
    kind: "sqlite",
    name: "/home/a/s.db",
    text: "sqlite:~/s.db",
    from: "--store",
  });
  assertEquals(parseStoreLocation("dynamodb:sentinel-state", "/home/a"), {
    kind: "dynamodb",
    name: "sentinel-state",
    text: "dynamodb:sentinel-state",
  });
});

Deno.test("a setting that names no kind, or a bad name, says what to write", () => {
  const cases: [string, string][] = [
    ["sqlite:", `store "sqlite:" ${NEITHER}`],
    ["postgres:x", `store "postgres:x" ${NEITHER}`],
    ["no-colon", `store "no-colon" ${NEITHER}`],
    ["constructor:x", `store "constructor:x" ${NEITHER}`],
    ["dynamodb:ab", `"ab" is not a DynamoDB table name (3-255 letters, digits, _ . -)`],
    ["dynamodb:", `"" is not a DynamoDB table name (3-255 letters, digits, _ . -)`],
  ];
  for (const [text, message] of cases) {
    const error = assertThrows(
      () => parseStoreLocation(text, "/home/a"),
      SentinelError,
    ) as SentinelError;
    assertEquals([error.message, error.exitCode], [message, 3], text);
  }
  assertEquals(storeKindNamed("toString"), undefined);
});

Deno.test("what each kind says of itself", () => {
  const sqlite = parseStoreLocation("sqlite:/s.db", "/");
  const dynamodb = parseStoreLocation("dynamodb:sentinel-state", "/");
  assertEquals([isFileStore(sqlite), isAwsStore(sqlite)], [true, false]);
  assertEquals([isFileStore(dynamodb), isAwsStore(dynamodb)], [false, true]);
  assertEquals(storeKind(sqlite).deployment, undefined);
  assertEquals(
    storeKind(dynamodb).deployment?.iamPolicy("arn:aws:dynamodb:eu-west-1:1:table/t").Version,
    "2012-10-17",
  );
  assertEquals(
    storeKind(dynamodb).unreachableFix,
    "create it with `sentinel store init`, or check sentinel_store and the region",
  );
  assertEquals(
    storeKindsHelp(),
    "sqlite:<path> (one machine) or dynamodb:<table> (teams; create it with `sentinel store init`)",
  );
});

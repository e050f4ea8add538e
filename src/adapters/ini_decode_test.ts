/**
 * The INI port decodes exactly like npm's `ini` package: AWS-shaped files, and generated text
 * full of the format's corners (quotes, escapes, comments, arrays, dotted and `__proto__`
 * sections, line endings) — same sections, same values, or the same failure.
 */
import fc from "fast-check";
import { parse } from "ini";
import { assertEquals } from "../../test/assert.ts";
import { decodeIni } from "./ini_decode.ts";

/** Both decoders' outcome: the value, or that it threw. */
function outcome(decode: (text: string) => unknown, text: string): unknown {
  try {
    return { value: decode(text) };
  } catch (error) {
    return { threw: (error as Error).name };
  }
}

const fragment = fc.constantFrom(
  "[default]",
  "[profile prod]",
  "[profile a.b]",
  "[a\\.b]",
  "[a.b.c]",
  "[__proto__]",
  "[ spaced ]",
  "['quoted']",
  '["json"]',
  "[]",
  "[unclosed",
  "region = eu-central-1",
  "region=us-east-1 ; trailing comment",
  "key = value # hash comment",
  "escaped = a\\;b\\#c\\d",
  "trailing = back\\",
  'quoted = "a;b"',
  "single = 'x y'",
  'broken = "unterminated',
  "flag",
  "flag = true",
  "off = false",
  "nothing = null",
  "list[] = one",
  "list[] = two",
  "list = three",
  "[] = odd",
  "__proto__ = polluted",
  "__proto__[] = polluted",
  "constructor = c",
  "a = 1",
  "a.b = 2",
  "= no key",
  "  indented = yes",
  "; comment",
  "# comment",
  "   ",
  "",
  "role_arn = arn:aws:iam::123456789012:role/Admin",
  "credential_process = sentinel credentials prod",
  "s3 =",
  "  max_concurrent_requests = 10",
);

const text = fc.tuple(
  fc.array(fc.oneof(fragment, fc.string({ maxLength: 12 })), { maxLength: 14 }),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([lines, eol]) => lines.join(eol));

Deno.test("property: the port decodes generated INI text exactly like the ini package", () => {
  fc.assert(
    fc.property(text, (input) => {
      assertEquals(outcome(decodeIni, input), outcome(parse, input));
    }),
    { numRuns: 5000 },
  );
});

Deno.test("AWS config and credentials files decode like the ini package", () => {
  const files = [
    `[default]
region = us-east-1

[profile base]
region = eu-central-1
output = json

[profile prod]
credential_process = sentinel credentials prod
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ssm:/sentinel/policy
duration_seconds = 1800
external_id = "my external id"

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_registration_scopes = sso:account:access
`,
    "[base]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\naws_secret_access_key = wJalr/K7MDENG+bPxRfiCY;EXAMPLEKEY\r\n",
  ];
  for (const file of files) assertEquals(decodeIni(file), parse(file));
  // A null at the top level under a dotted section fails in both.
  assertEquals(
    outcome(decodeIni, "a = null\n[a.b]\nx = 1"),
    outcome(parse, "a = null\n[a.b]\nx = 1"),
  );
});

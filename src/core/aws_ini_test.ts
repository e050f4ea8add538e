import { assertEquals, assertThrows } from "../../test/assert.ts";
import { parseAwsIni } from "./aws_ini.ts";
import { SentinelError } from "./errors.ts";

const plain = (sections: Map<string, Record<string, string>>) =>
  Object.fromEntries([...sections].map(([name, values]) => [name, { ...values }]));

Deno.test("section names are literal: dots, @ and spaces are part of the name", () => {
  const text = `[default]
region = us-east-1

[profile acme.prod]
role_arn = arn:aws:iam::123456789012:role/acme.prod

[profile acme]
region = eu-west-1

[alice@example.com]
aws_access_key_id = AKIA
`;
  assertEquals(plain(parseAwsIni(text, "config")), {
    default: { region: "us-east-1" },
    "profile acme.prod": { role_arn: "arn:aws:iam::123456789012:role/acme.prod" },
    "profile acme": { region: "eu-west-1" },
    "alice@example.com": { aws_access_key_id: "AKIA" },
  });
});

Deno.test("keys lower-cased, = or :, comments whole-line or after whitespace, CRLF", () => {
  const text = [
    "# a comment",
    "; another",
    "[profile prod]",
    "Region = eu-central-1 ; Frankfurt",
    "output: json # a comment",
    "credential_process = sentinel credentials prod#not-a-comment",
    "empty =",
    "   ",
  ].join("\r\n");
  assertEquals(plain(parseAwsIni(text, "config")), {
    "profile prod": {
      region: "eu-central-1",
      output: "json",
      credential_process: "sentinel credentials prod#not-a-comment",
      empty: "",
    },
  });
});

Deno.test("indented lines under a key belong to it; they never set the section's keys", () => {
  const text = `[profile prod]
s3 =
  region = ap-south-1
  max_concurrent_requests = 20
region = eu-west-1
`;
  assertEquals(plain(parseAwsIni(text, "config")), {
    "profile prod": { s3: "", region: "eu-west-1" },
  });
  // Evenly indented keys are keys, not continuations.
  assertEquals(plain(parseAwsIni("[a]\n  x = 1\n  y = 2\n", "config")), { a: { x: "1", y: "2" } });
});

Deno.test("__proto__ is a section or key like any other", () => {
  const sections = parseAwsIni("[__proto__]\n__proto__ = x\n", "config");
  assertEquals(sections.get("__proto__")?.["__proto__"], "x");
  assertEquals(({} as Record<string, unknown>).x, undefined);
});

Deno.test("what the AWS CLI refuses is refused, naming the file and line", () => {
  const cases: [string, RegExp][] = [
    [
      "[profile a]\nx = 1\n\n[profile a]\ny = 2\n",
      /^config:4: \[profile a\] is given twice \(first at line 1\)/,
    ],
    [
      "[a]\nregion = x\nRegion = y\n",
      /^config:3: region is set twice in \[a\] \(first at line 2\)/,
    ],
    ["region = x\n[a]\n", /^config:1: a setting before any \[section\]/],
    ["[a]\njust words\n", /^config:2: expected "key = value", a \[section\] or a comment/],
    ["[a]\n= value\n", /^config:2: expected "key = value"/],
    ["[profile a\nx = 1\n", /^config:1: the section header \[profile a has no closing \]/],
    ["[ ]\n", /^config:1: a section header with no name/],
  ];
  for (const [text, message] of cases) {
    const error = assertThrows(() => parseAwsIni(text, "config"), SentinelError) as SentinelError;
    assertEquals([error.exitCode, message.test(error.message)], [3, true], error.message);
  }
});

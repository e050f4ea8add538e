import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { configProfileName, parseAwsIni } from "./ini.ts";
import { SentinelError } from "../errors.ts";

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

Deno.test("keys lower-cased, = or :, only whole-line comments (a trailing # stays), CRLF", () => {
  const text = [
    "# a comment",
    "; another",
    "  # an indented comment",
    "[profile prod]",
    "Region = eu-central-1",
    "output: json",
    "credential_process = sentinel credentials prod # gated",
    "empty =",
    "   ",
  ].join("\r\n");
  assertEquals(plain(parseAwsIni(text, "config")), {
    "profile prod": {
      region: "eu-central-1",
      output: "json",
      credential_process: "sentinel credentials prod # gated",
      empty: "",
    },
  });
});

Deno.test("headers run to the line's last ]; names are kept as written", () => {
  const text = "[dev #2]\nx = 1\n[ profile prod ]\nx = 2\n[a] trailing\nx = 3\n[b]c]\nx = 4\n";
  assertEquals([...parseAwsIni(text, "credentials").keys()], [
    "dev #2",
    " profile prod ",
    "a",
    "b]c",
  ]);
});

Deno.test("config sections map to profiles as botocore maps them", () => {
  const cases: [string, string | undefined][] = [
    ["default", "default"],
    ["profile prod", "prod"],
    ["profile\tprod", "prod"],
    ['profile "prod"', "prod"],
    ["profile 'my prod'", "my prod"],
    ["profile acme.prod", "acme.prod"],
    [" profile prod ", undefined],
    ["profile a b", undefined],
    ['profile "open', undefined],
    ["sso-session corp", undefined],
    ["prod", undefined],
  ];
  for (const [section, profile] of cases) {
    assertEquals(configProfileName(section), profile, section);
  }
});

Deno.test("indented lines under a key belong to it; they never set the section's keys", () => {
  const text = `[profile prod]
s3 =
  region = ap-south-1
  max_concurrent_requests = 20
region = eu-west-1
`;
  assertEquals(plain(parseAwsIni(text, "config")), {
    "profile prod": {
      s3: "\nregion = ap-south-1\nmax_concurrent_requests = 20",
      region: "eu-west-1",
    },
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
    ["[profile a\nx = 1\n", /^config:1: expected "key = value", a \[section\] or a comment/],
    ["[]\n", /^config:1: expected "key = value"/],
  ];
  for (const [text, message] of cases) {
    const error = assertThrows(() => parseAwsIni(text, "config"), SentinelError) as SentinelError;
    assertEquals([error.exitCode, message.test(error.message)], [3, true], error.message);
  }
});

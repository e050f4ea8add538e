import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import { refusalBody, refusalFrom, refusalStatus } from "./api.ts";
import { parseCredentialsCall, parseEmptyCall, repeatedKey } from "./calls.ts";

Deno.test("a credentials call is read strictly: a profile name, an STS duration, a known mode, nothing else", () => {
  assertEquals(parseCredentialsCall('{"profile":"prod"}'), {
    ok: true,
    value: { profile: "prod", mode: "credential_process" },
  });
  assertEquals(parseCredentialsCall('{"profile":"prod","duration_seconds":900,"mode":"server"}'), {
    ok: true,
    value: { profile: "prod", mode: "server", durationSeconds: 900 },
  });
  for (
    const body of [
      "",
      "null",
      "[]",
      '"prod"',
      '{"profile":""}',
      '{"profile":"a b"}',
      '{"profile":"[prod]"}',
      `{"profile":"${"p".repeat(129)}"}`,
      '{"profile":"prod","duration_seconds":899}',
      '{"profile":"prod","duration_seconds":3600.5}',
      '{"profile":"prod","duration_seconds":"3600"}',
      '{"profile":"prod","mode":"root"}',
      '{"profile":"prod","role_arn":"arn:aws:iam::1:role/x"}',
      '{"profile":"prod","__proto__":{"x":1}}',
    ]
  ) {
    assertEquals(parseCredentialsCall(body).ok, false, body);
  }
});

Deno.test("a call without arguments takes an empty body or {} only", () => {
  assertEquals(parseEmptyCall(""), { ok: true });
  assertEquals(parseEmptyCall("{}"), { ok: true });
  assertEquals(parseEmptyCall('{"as":"bob"}').ok, false);
  assertEquals(parseEmptyCall("{").ok, false);
});

Deno.test("a refusal travels as the catalogue's code, exit code and text, with an HTTP status of its kind", () => {
  const cases: [SentinelError, number][] = [
    [new SentinelError("denied", "denied: prod for bob"), 403],
    [new SentinelError("approval_required", "needs approval"), 403],
    [new SentinelError("caller_unproven", "not proven"), 401],
    [new SentinelError("proof_replayed", "again"), 401],
    [new SentinelError("broker_rate_limited", "slow down"), 429],
    [new SentinelError("broker_busy", "busy"), 503],
    [new SentinelError("call_too_large", "big"), 413],
    [new SentinelError("unknown_profile", "no such profile"), 404],
    [new SentinelError("usage", "bad call"), 400],
    [new SentinelError("aws_failure", "STS down"), 502],
    [new SentinelError("invalid_config", "broken policy"), 500],
    [new SentinelError("conflict", "lost a race"), 409],
  ];
  for (const [error, status] of cases) {
    assertEquals(refusalStatus(error), status, error.code);
    const back = refusalFrom(status, JSON.stringify(refusalBody(error)), "https://b");
    assertEquals([back.code, back.exitCode, back.message], [
      error.code,
      error.exitCode,
      error.message,
    ]);
  }
});

Deno.test("an answer that is not a Sentinel refusal (a proxy's page, an unknown code) is the broker failing, named", () => {
  for (const body of ["<html>502</html>", '{"code":"root","message":"x"}', '{"code":"denied"}']) {
    const error = refusalFrom(502, body, "https://broker.example");
    assertEquals(error.code, "broker_unreachable", body);
    assertTrue(error.message.includes("https://broker.example"));
  }
});

Deno.test("a field given twice is refused, however it is spelled or spaced; the same name in two objects is not a repeat", () => {
  for (
    const body of [
      '{"profile":"dev","profile":"prod"}',
      '{"profile":"dev","\\u0070rofile":"prod"}',
      `{"profile":"dev", "profile"${" ".repeat(200)}:"prod"}`,
      '{"mode":"server","profile":"prod","mode":"credential_process"}',
    ]
  ) {
    const parsed = parseCredentialsCall(body);
    assertEquals(
      parsed.ok ? "" : parsed.why.replace(/"[a-z_]+"/, "X"),
      "the field X appears twice",
    );
  }
  assertEquals(parseEmptyCall('{"a":1,"a":1}').ok, false);
  assertEquals(repeatedKey('{"a":{"b":1},"c":{"b":2},"d":["b","b"],"e":"\\"b\\":"}'), undefined);
  assertEquals(repeatedKey('{"a":[{"b":1,"b":2}]}'), "b");
});

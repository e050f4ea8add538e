import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import { checkSectionName, exportText, shellQuote } from "./credential_formats.ts";

const session = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "se/cr+et'$(touch x)`id`",
  sessionToken: "tok\nen",
  expiration: Date.parse("2026-03-02T10:00:00.500Z"),
};

Deno.test("env: export lines whose values a POSIX shell takes literally", () => {
  assertEquals(
    exportText("env", session, "eu-central-1", "prod"),
    [
      "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'",
      `export AWS_SECRET_ACCESS_KEY='se/cr+et'\\''$(touch x)\`id\`'`,
      "export AWS_SESSION_TOKEN='tok\nen'",
      "export AWS_CREDENTIAL_EXPIRATION='2026-03-02T10:00:00Z'",
      "export AWS_REGION='eu-central-1'",
      "export AWS_DEFAULT_REGION='eu-central-1'",
      "",
    ].join("\n"),
  );
  assertEquals(shellQuote(""), "''");
  assertEquals(shellQuote("'"), `''\\'''`);
});

Deno.test("json: the credential_process document", () => {
  assertEquals(
    JSON.parse(exportText("json", session, "eu-central-1", "prod")),
    {
      Version: 1,
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: session.secretAccessKey,
      SessionToken: "tok\nen",
      Expiration: "2026-03-02T10:00:00Z",
    },
  );
});

Deno.test("ini: one credentials-file section; a section name that would break the file is refused", () => {
  const clean = { ...session, secretAccessKey: "secret", sessionToken: "token" };
  assertEquals(
    exportText("ini", clean, "eu-central-1", "prod-sentinel"),
    "[prod-sentinel]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = secret\n" +
      "aws_session_token = token\n# issued by sentinel; expires 2026-03-02T10:00:00Z\n",
  );
  for (const bad of ["", " prod", "a]b", "a[b", "a\nb"]) {
    assertThrows(
      () => checkSectionName(bad),
      SentinelError,
      "cannot name a credentials-file section",
    );
  }
  // A value with a line break would inject lines into the file.
  assertThrows(
    () => exportText("ini", session, "eu-central-1", "prod"),
    SentinelError,
    "line break",
  );
});

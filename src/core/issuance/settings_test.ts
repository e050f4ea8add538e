import { assertEquals } from "../../../test/assert.ts";
import { credentialProcessLoop } from "./settings.ts";

Deno.test("a source profile whose credential_process asks Sentinel for the same profile is a loop", () => {
  const cases: [string | undefined, boolean][] = [
    ["sentinel credentials prod", true],
    ["/home/a/.local/bin/sentinel credentials --profile prod", true],
    ["/usr/bin/deno run -A /src/main.ts credentials 'prod'", true],
    ["sentinel credentials staging", false],
    ["aws-vault export --format=json prod", false],
    [undefined, false],
  ];
  for (const [line, loops] of cases) assertEquals(credentialProcessLoop("prod", line), loops, line);
});

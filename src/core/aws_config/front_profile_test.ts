import { assertEquals } from "../../../test/assert.ts";
import { sentinelInvocation } from "./front_profile.ts";

Deno.test("credential_process lines that run Sentinel name the profile and the policy", () => {
  const cases: [string | undefined, ReturnType<typeof sentinelInvocation>][] = [
    ["sentinel credentials prod", { program: "sentinel", profile: "prod", extra: [] }],
    ["/home/a/.local/bin/sentinel credentials staging-role", {
      program: "/home/a/.local/bin/sentinel",
      profile: "staging-role",
      extra: [],
    }],
    ["sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev", {
      program: "sentinel",
      profile: "dev",
      policy: "ssm:/sentinel/policies/dev",
      extra: [],
    }],
    ["sentinel credentials --region eu-west-1 --profile=dev --policy p.yaml", {
      program: "sentinel",
      profile: "dev",
      policy: "p.yaml",
      extra: [],
    }],
    ["/usr/bin/deno run -A /src/main.ts credentials prod", {
      program: "/usr/bin/deno",
      profile: "prod",
      extra: [],
    }],
    ['"sentinel" credentials "prod"', { program: "sentinel", profile: "prod", extra: [] }],
    ["sentinel credentials 'my prod'", { program: "sentinel", profile: "my prod", extra: [] }],
    ["sentinel credentials prod # gated by Sentinel", {
      program: "sentinel",
      profile: "prod",
      extra: ["#", "gated", "by", "Sentinel"],
    }],
    ["sentinel credentials 'prod", undefined],
    ["aws-vault export --format=json base", undefined],
    ["sentinel check prod", undefined],
    ["sentinel credentials", undefined],
    ["my-credentials prod", undefined],
    [undefined, undefined],
  ];
  for (const [line, expected] of cases) assertEquals(sentinelInvocation(line), expected, line);
});

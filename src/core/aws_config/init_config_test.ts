import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import {
  compactDiff,
  hasProfile,
  profileSection,
  starterPolicy,
  withProfile,
} from "./init_config.ts";
import { lineDiff } from "../text/line_diff.ts";
import { validatePolicyText } from "../policy/load.ts";

const PROFILE = {
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
  sourceProfile: "base",
  source: "auto" as const,
  region: "eu-central-1",
  policy: "~/.config/sentinel/policy.yaml",
};

Deno.test("init's profile section is layout 1, with sentinel_source only when not auto", () => {
  assertEquals(
    profileSection(PROFILE),
    "[profile prod]\ncredential_process = sentinel credentials prod\n" +
      "sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd\n" +
      "sentinel_source_profile = base\nsentinel_policy = ~/.config/sentinel/policy.yaml\n" +
      "region = eu-central-1\n",
  );
  assertIncludes(
    profileSection({ ...PROFILE, source: "aws-vault" }),
    "sentinel_source = aws-vault\n",
  );
});

Deno.test("a profile is appended, or replaced in place with every other line kept", () => {
  const section = profileSection(PROFILE);
  assertEquals(withProfile("", "prod", section), { text: section, replaced: false });
  const config = "[default]\nregion = us-east-1\n\n[profile prod]\nregion = old\n# keep me\n\n" +
    "[profile other]\nregion = x\n";
  const replaced = withProfile(config, "prod", section);
  assertEquals(replaced.replaced, true);
  assertEquals(
    replaced.text,
    "[default]\nregion = us-east-1\n\n" + section.replace(/\n$/, "") +
      "\n# keep me\n\n[profile other]\nregion = x\n",
  );
  const appended = withProfile("[profile base]\nregion = a", "prod", section);
  assertEquals(appended.text, "[profile base]\nregion = a\n\n" + section);
  assertEquals(hasProfile(config, "prod"), true);
  assertEquals(hasProfile(config, "pro"), false);
  assertEquals(hasProfile("[profile   prod]\n", "prod"), true);
  assertEquals(hasProfile("[default]\n", "default"), true);
});

Deno.test("the starter policy is valid and allows exactly the user on the profile's role", () => {
  const text = starterPolicy("prod", 'o\'brien "ops"', PROFILE.roleArn, "2026-03-02T09:00:00Z");
  const { document } = validatePolicyText(text, "starter");
  assertEquals(document.rules.length, 1);
  assertEquals(document.rules[0].conditions?.users, ['o\'brien "ops"']);
  assertEquals(document.rules[0].conditions?.roles, [PROFILE.roleArn]);
  assertEquals(document.rules[0].effect, "allow");
});

Deno.test("the diff keeps changes and two lines around them", () => {
  const before = ["a", "b", "c", "d", "e", "f", "g"].join("\n") + "\n";
  const after = before.replace("d\n", "D\n");
  assertEquals(compactDiff(lineDiff(before, after)), [" b", " c", "-d", "+D", " e", " f", " …"]);
});

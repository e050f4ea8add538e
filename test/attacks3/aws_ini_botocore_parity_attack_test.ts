/**
 * README: "Sentinel reads both files as the AWS CLI does: section names literally". Measured
 * against the AWS CLI's own reader (botocore's `load_config`, from .tools/venv), section headers
 * are read differently in both directions:
 *
 * - `[profile\tprod]` (a tab) and `[profile "prod"]` (botocore splits the header with `shlex`):
 *   the AWS CLI has a profile `prod` and runs its credential_process; Sentinel says `profile
 *   "prod" is not in ~/.aws/config` (exit 3) — the AWS CLI calls Sentinel for a profile Sentinel
 *   cannot see.
 * - `[ profile prod ]` and `[profile a b]`: the AWS CLI has no such profile (it ignores them);
 *   Sentinel serves `prod` / `a b`, and `doctor` reports them healthy although no AWS tool can
 *   use them.
 * - `[dev #2]` in ~/.aws/credentials: the AWS CLI reads the section `dev #2`; Sentinel strips
 *   ` #2]` as a comment and refuses the whole file ("no closing ]", exit 3), so every profile
 *   whose keys are in that file stops working. `sentinel export --format ini --section 'dev #2'`
 *   writes exactly such a header (checkSectionName allows it).
 *
 * Expected (README "Using it with the AWS CLI"): the same file gives the same profile names as the
 * AWS CLI; where Sentinel chooses to differ, it refuses with the line rather than reading a
 * profile the AWS CLI does not have (or missing one it has).
 * At fault: src/adapters/aws_config.ts:21-22 (`startsWith("profile ")`, `slice(8).trim()` instead
 * of botocore's whitespace split with quotes), src/core/aws_ini.ts:54-59 (the header is trimmed
 * inside the brackets, and INLINE_COMMENT is applied to header lines before the `]` check).
 * Fix: parse `[...]` headers before stripping comments (only after the closing `]`), keep the
 * name untrimmed, and map `profile <name>` as botocore does (split on whitespace honouring
 * quotes; exactly two words); or refuse the ambiguous forms with file:line.
 */
import { assertEquals } from "../assert.ts";
import { loadAwsConfig } from "../../src/adapters/aws_config.ts";
import type { SentinelPaths } from "../../src/core/environment.ts";
import { ROOT } from "../harness/tools.ts";

const PYTHON = `${ROOT}.tools/venv/bin/python3`;

/** The profile names the AWS CLI (botocore) sees in a config file, or "refused". */
async function botocoreProfiles(config: string, credentials: string): Promise<string[] | string> {
  const script = `
import json, sys
from botocore.configloader import load_config, raw_config_parse
try:
    names = set(load_config(sys.argv[1])["profiles"].keys())
    names |= set(raw_config_parse(sys.argv[2]).keys())
    print(json.dumps(sorted(names)))
except Exception as e:
    print(json.dumps("refused"))
`;
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", script, config, credentials],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The profile names Sentinel sees, or "refused". */
async function sentinelProfiles(config: string, credentials: string): Promise<string[] | string> {
  try {
    const files = await loadAwsConfig(
      { awsConfig: config, awsCredentials: credentials } as SentinelPaths,
    );
    return [...new Set([...files.profiles.keys(), ...files.credentials.keys()])].sort();
  } catch {
    return "refused";
  }
}

const CASES: { name: string; config: string; credentials?: string }[] = [
  { name: "tab after `profile`", config: "[profile\tprod]\nregion = us-east-1\n" },
  { name: "quoted profile name", config: '[profile "prod"]\nregion = us-east-1\n' },
  { name: "spaces inside the brackets", config: "[ profile prod ]\nregion = us-east-1\n" },
  { name: "three words", config: "[profile a b]\nregion = us-east-1\n" },
  {
    name: "` #` inside a credentials-file header",
    config: "[profile base]\nregion = us-east-1\n",
    credentials: "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n\n" +
      "[dev #2]\naws_access_key_id = AKIAEXAMPLE2\naws_secret_access_key = y\n",
  },
];

Deno.test("attack: section headers the AWS CLI reads one way and Sentinel another", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-ini-" });
  try {
    const differences: Record<string, { aws: unknown; sentinel: unknown }> = {};
    for (const [i, c] of CASES.entries()) {
      const config = `${dir}/config-${i}`;
      const credentials = `${dir}/credentials-${i}`;
      await Deno.writeTextFile(config, c.config);
      await Deno.writeTextFile(credentials, c.credentials ?? "");
      const aws = await botocoreProfiles(config, credentials);
      const sentinel = await sentinelProfiles(config, credentials);
      if (JSON.stringify(aws) !== JSON.stringify(sentinel)) {
        differences[c.name] = { aws, sentinel };
      }
    }
    assertEquals(differences, {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Sentinel reads ~/.aws/config and ~/.aws/credentials as the AWS CLI does.
 *
 * - Section names are taken literally: a profile whose name has a dot (`[profile acme.prod]`) is
 *   that profile, with its own keys, in both files.
 * - A file gives Sentinel the same profile names as the AWS CLI's own reader (botocore's
 *   `load_config`), header by header: a tab after `profile`, quotes, spaces inside the brackets,
 *   three words, ` #` inside a credentials-file header.
 * - An AWS config, credentials or Sentinel config path that cannot be opened (a symlink loop, a
 *   path under a file) is a configuration error (exit 3, `invalid_config`), never an internal one.
 */
import { assertEquals } from "../assert.ts";
import { credentialProcess } from "../harness/aws_home.ts";
import { ROLE, setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { ROOT } from "../harness/tools.ts";
import { loadAwsConfig } from "../../src/adapters/aws_config.ts";
import type { SentinelPaths } from "../../src/core/environment.ts";

Deno.test("a profile whose name has a dot ([profile acme.prod]) is read literally and issues", async () => {
  await using t = await setupScenario("alice");
  await Deno.writeTextFile(
    t.policyPath,
    `version: "1"
rules:
  - name: acme
    effect: allow
    conditions: { profiles: [acme.prod], users: [alice] }
`,
  );
  await t.home.writeConfig(`[default]
region = us-east-1

[profile acme.base]
region = us-east-1

[profile acme.prod]
credential_process = ${credentialProcess("acme.prod")}
sentinel_role_arn = ${ROLE}
sentinel_source_profile = acme.base
sentinel_policy = ${t.policyPath}
`);
  await t.home.writeCredentials(`[acme.base]
aws_access_key_id = ${t.key.accessKeyId}
aws_secret_access_key = ${t.key.secretAccessKey}
`);
  const run = await runSentinel(["credentials", "acme.prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).Version, 1);
});

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

Deno.test("every section header names the same profiles for Sentinel as for the AWS CLI (botocore)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-ini-" });
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

Deno.test("an AWS config, credentials or Sentinel config path that cannot be opened (symlink loop, under a file) is exit 3 invalid_config", async () => {
  await using t = await setupScenario("alice");
  const loopA = `${t.home.dir}/loop-a`;
  const loopB = `${t.home.dir}/loop-b`;
  await Deno.symlink(loopB, loopA);
  await Deno.symlink(loopA, loopB);
  const underFile = `${t.policyPath}/config`; // the policy is a file: ENOTDIR
  const results: Record<string, unknown> = {};
  for (const variable of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "SENTINEL_CONFIG"]) {
    for (const [kind, path] of [["loop", loopA], ["under-a-file", underFile]]) {
      const run = await runSentinel(["credentials", "prod", "--output", "json"], {
        env: { ...t.home.env, [variable]: path },
      });
      const error = JSON.parse(run.stderr.trim().split("\n")[0] || "{}");
      results[`${variable} ${kind}`] = `${run.code} ${error.error}`;
    }
  }
  assertEquals(results, {
    "AWS_CONFIG_FILE loop": "3 invalid_config",
    "AWS_CONFIG_FILE under-a-file": "3 invalid_config",
    "AWS_SHARED_CREDENTIALS_FILE loop": "3 invalid_config",
    "AWS_SHARED_CREDENTIALS_FILE under-a-file": "3 invalid_config",
    "SENTINEL_CONFIG loop": "3 invalid_config",
    "SENTINEL_CONFIG under-a-file": "3 invalid_config",
  });
});

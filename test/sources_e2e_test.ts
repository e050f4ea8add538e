/**
 * Base credential sources and profile layouts end to end: the real aws-vault binary with its file
 * keyring, an ordinary role profile (layout 2), and the credential_process loop guard.
 */
import { assertEquals, assertIncludes } from "./assert.ts";
import { aws, credentialProcess } from "./harness/aws_home.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { ROOT, toolPath } from "./harness/tools.ts";
import { networkEnv } from "./harness/network_env.ts";

async function awsVault(args: string[], env: Record<string, string>) {
  const { code, stderr } = await new Deno.Command(toolPath("aws-vault"), {
    args,
    env: { ...networkEnv(), ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("aws-vault (file keyring) supplies the base credentials", async () => {
  await using t = await setupScenario(
    "alice",
    "file",
    "sentinel_source = aws-vault\nsentinel_aws_vault_flags = --no-session\n",
  );
  await t.home.writeCredentials(""); // the keys live only in aws-vault now
  const vaultEnv = {
    ...t.home.env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: "correct horse battery staple",
  };
  const add = await awsVault(["add", "base", "--env"], {
    ...vaultEnv,
    AWS_ACCESS_KEY_ID: t.key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: t.key.secretAccessKey,
  });
  assertEquals(add.code, 0, add.stderr);

  const identity = await aws(["sts", "get-caller-identity", "--profile", "prod"], vaultEnv);
  assertEquals(identity.code, 0, identity.stderr);
  assertEquals(
    JSON.parse(identity.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
  );

  // A locked keyring (wrong passphrase) denies with a message that says how to unlock it.
  await Deno.remove(t.home.cacheDir, { recursive: true });
  const locked = await runSentinel(["credentials", "prod"], {
    env: { ...vaultEnv, AWS_VAULT_FILE_PASSPHRASE: "wrong" },
  });
  assertEquals(locked.code, 6);
  assertEquals(locked.stdout, "");
  assertIncludes(locked.stderr, "aws-vault");
});

Deno.test("layout 2: credential_process names an ordinary role profile that carries sentinel_policy", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeConfig(`[profile base]
region = us-east-1

[profile prod-role]
role_arn = arn:aws:iam::123456789012:role/SentinelProd
source_profile = base
external_id = partner-42
duration_seconds = 1200
sentinel_policy = ${t.policyPath}

[profile prod]
credential_process = ${credentialProcess("prod-role")}
`);
  await Deno.writeTextFile(
    t.policyPath,
    'version: "1"\nrules:\n  - name: alice\n    effect: allow\n    conditions: { profiles: [prod-role], users: [alice] }\n',
  );
  const identity = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertEquals(identity.code, 0, identity.stderr);
  assertEquals(
    JSON.parse(identity.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
  );
  const [params] = await t.moto.assumeRoleCalls();
  assertEquals([params.get("ExternalId"), params.get("DurationSeconds")], ["partner-42", "1200"]);
});

Deno.test("a credential_process loop fails fast with a clear message", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeCredentials("");
  await t.home.writeConfig(`[profile base]
credential_process = ${credentialProcess("prod")}

[profile prod]
credential_process = ${credentialProcess("prod")}
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ${t.policyPath}
`);
  const started = performance.now();
  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.code, 3);
  assertEquals(run.stdout, "");
  assertIncludes(
    run.stderr,
    "credential_process loop: profile prod takes its base credentials from base",
  );
  assertEquals(performance.now() - started < 10_000, true);

  const inherited = await runSentinel(["credentials", "prod"], {
    env: { ...t.home.env, SENTINEL_RESOLVING: "prod" },
  });
  assertEquals(inherited.code, 3);
  assertIncludes(inherited.stderr, "credential_process loop: resolving profile prod");
});

Deno.test("an expired SSO session says which aws sso login to run", async () => {
  await using t = await setupScenario("alice");
  const startUrl = "https://example.awsapps.com/start";
  await t.home.writeConfig(`[profile sso-base]
sso_start_url = ${startUrl}
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-1

[profile prod]
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = sso-base
sentinel_policy = ${t.policyPath}
`);
  // The SDK's legacy SSO token cache: ~/.aws/sso/cache/<sha1 of the start URL>.json
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(startUrl));
  const name = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.mkdir(`${t.home.dir}/.aws/sso/cache`, { recursive: true });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/sso/cache/${name}.json`,
    JSON.stringify({
      startUrl,
      region: "us-east-1",
      accessToken: "expired-token",
      expiresAt: "2020-01-01T00:00:00Z",
    }),
  );
  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.code, 6);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, "aws sso login --profile sso-base");
});

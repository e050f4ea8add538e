/**
 * DESIGN §6.2: "Prompts of the source (passphrase, MFA) reach the terminal." Sentinel runs
 * `aws-vault export` with stdin from /dev/null and stderr captured
 * (src/adapters/credential_sources.ts fromAwsVault), so at a terminal aws-vault's passphrase (or
 * MFA) prompt is swallowed and its read fails ("inappropriate ioctl for device"): `sentinel exec`
 * exits 6 where `aws-vault exec` would simply ask. The message in src/core/issuance/settings.ts
 * even sends users with mfa_serial to "sentinel_source = aws-vault, which prompts".
 *
 * Expected: at a terminal, aws-vault's prompt reaches it and the answer typed there is read
 * (inherit stdin and stderr — or /dev/tty — for aws-vault; capture stdout only).
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";
import { ROOT, toolPath } from "../harness/tools.ts";

const PASSPHRASE = "correct horse battery staple";

/** Runs argv under a pseudo-terminal, answers the passphrase prompt once, prints what it saw. */
const PTY = `
import json, os, pty, select, sys, time
argv = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
answered = False
start = time.time()
while time.time() - start < 60:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    if not answered and b"passphrase" in seen.lower():
        os.write(fd, sys.argv[2].encode() + b"\\n")
        answered = True
_, status = os.waitpid(pid, 0)
print(json.dumps({"answered": answered, "exit": os.waitstatus_to_exitcode(status),
                  "terminal": seen.decode(errors="replace")}))
`;

Deno.test("attack: exec with an aws-vault source at a terminal: the keyring passphrase prompt never reaches it, exit 6", async () => {
  await using t = await setupScenario(
    "alice",
    "file",
    "sentinel_source = aws-vault\nsentinel_aws_vault_flags = --no-session\n",
  );
  await t.home.writeCredentials("");
  const vaultEnv = {
    ...t.home.env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
  };
  const add = await new Deno.Command(toolPath("aws-vault"), {
    args: ["add", "base", "--env"],
    env: {
      ...baseEnv(vaultEnv),
      AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE,
      AWS_ACCESS_KEY_ID: t.key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.key.secretAccessKey,
    },
    clearEnv: true,
    stdin: "null",
  }).output();
  assertEquals(add.code, 0, new TextDecoder().decode(add.stderr));

  // No AWS_VAULT_FILE_PASSPHRASE: aws-vault asks at the terminal, as it does when run directly.
  const script = `${t.home.dir}/run_in_terminal.py`;
  await Deno.writeTextFile(script, PTY);
  const argv = [...sentinelCommand(), "exec", "prod", "--", "sh", "-c", "echo CHILD RAN"];
  const run = await new Deno.Command("python3", {
    args: [script, JSON.stringify(argv), PASSPHRASE],
    env: baseEnv(vaultEnv),
    clearEnv: true,
    stdin: "null",
  }).output();
  const result = JSON.parse(
    new TextDecoder().decode(run.stdout) ||
      `{"terminal": ${JSON.stringify(new TextDecoder().decode(run.stderr))}}`,
  );
  assertEquals(
    { exit: result.exit, answered: result.answered },
    { exit: 0, answered: true },
    result.terminal,
  );
  assertIncludes(result.terminal, "CHILD RAN");
});

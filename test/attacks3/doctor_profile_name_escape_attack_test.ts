/**
 * `sentinel doctor` groups its checks under a `profile <name>:` line, and that line prints the
 * profile name from ~/.aws/config raw — while every check, detail and fix under it goes through
 * displaySafe. A profile whose name carries escape sequences (`[profile x\e[2J\e]0;…\a]` in a
 * config someone shared, or pulled from a team repository) clears the screen, retitles the
 * terminal, or — with OSC 52 — writes the clipboard when the person runs `sentinel doctor`
 * (their first troubleshooting step). The same name appears escaped (`\x1b[2J`) two lines
 * further down, so the sanitising was meant to cover it.
 *
 * Expected (src/core/display_text.ts: "Names … come from … AWS profiles … any of them can carry
 * characters a terminal acts on"; human-readable output escapes them): no raw control character
 * from a profile name reaches doctor's output.
 * At fault: src/cli/render.ts:339 (`profile ${group}:` without displaySafe). Fix:
 * `profile ${displaySafe(group)}:`.
 */
import { assertEquals } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: a profile name with escape sequences reaches the terminal raw in doctor's group header", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-doctor-" });
  try {
    await Deno.mkdir(`${dir}/.aws`);
    const name = "x\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07";
    await Deno.writeTextFile(
      `${dir}/.aws/config`,
      `[profile base]
region = us-east-1

[profile ${name}]
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ${dir}/policy.yaml
`,
    );
    const run = await runSentinel(["doctor"], {
      env: {
        HOME: dir,
        AWS_CONFIG_FILE: `${dir}/.aws/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
        // Nothing answers here: the AWS checks fail fast, the report is still printed.
        AWS_ENDPOINT_URL: "http://127.0.0.1:1",
        SENTINEL_TIMEOUT: "3s",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      },
    });
    assertEquals(run.code, 11, run.stderr);
    const raw = run.stdout.split("\n").filter((line) =>
      line.includes("\x1b") || line.includes("\x07")
    )
      .map((line) => JSON.stringify(line));
    assertEquals(raw, [], "raw control characters in doctor's output");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

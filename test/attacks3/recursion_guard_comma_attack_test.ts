/**
 * The credential_process loop guard keeps the profiles being resolved in `SENTINEL_RESOLVING`
 * joined with commas, and splits on commas to read them back. A profile name may contain a comma
 * (`[profile team,prod]` is a profile both the AWS CLI and Sentinel accept), so `team,prod`
 * reads back as `team` and `prod` and never matches itself: a loop through it
 * (team,prod → hop → c → hop2 → team,prod) is not caught. The innermost call then waits for the
 * issuance lock its own ancestor holds until the whole command budget (`timeout`, 30 s by
 * default) runs out, and the failure names the lock/base credentials, not the loop. The same loop
 * with a comma-free name fails in well under a second. (The reverse also holds: a profile `prod`
 * resolved below `team,prod` is refused as a loop although it is another profile.)
 *
 * Expected (DESIGN §4 "Recursion guard: a credential_process that resolves back into Sentinel for
 * the same profile must fail fast with a clear message, never loop"; README "A credential_process
 * that leads back to Sentinel for the same profile fails fast"): the loop is refused at once,
 * whatever characters the profile name has.
 * At fault: src/app/recursion_guard.ts:15 (`split(",")`) and src/app/issue_credentials.ts:43
 * (`chain.join(",")`). Fix: encode the list so names survive (JSON, or percent-encode `,` and
 * `%` in each name), or refuse profile names containing the separator.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { credentialProcess } from "../harness/aws_home.ts";
import { runSentinel } from "../harness/sentinel.ts";

async function loopThrough(name: string): Promise<{ code: number; seconds: number }> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-loop-" });
  try {
    await Deno.mkdir(`${dir}/.aws`);
    await Deno.writeTextFile(
      `${dir}/policy.yaml`,
      `version: "1"\nrules:\n  - name: all\n    effect: allow\n`,
    );
    const sentinelProfile = (source: string) =>
      `sentinel_role_arn = arn:aws:iam::123456789012:role/R
sentinel_source_profile = ${source}
sentinel_source = sdk
sentinel_policy = ${dir}/policy.yaml
region = us-east-1`;
    await Deno.writeTextFile(
      `${dir}/.aws/config`,
      `[profile ${name}]
${sentinelProfile("hop")}

[profile hop]
credential_process = ${credentialProcess("c")}

[profile c]
${sentinelProfile("hop2")}

[profile hop2]
credential_process = ${credentialProcess(name)}
`,
    );
    const started = Date.now();
    const run = await runSentinel(["credentials", name], {
      env: {
        HOME: dir,
        AWS_CONFIG_FILE: `${dir}/.aws/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
        AWS_ENDPOINT_URL: "http://127.0.0.1:1",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      },
    });
    return { code: run.code, seconds: (Date.now() - started) / 1000 };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("attack: a credential_process loop through a profile named `team,prod` is not caught; it hangs for the whole timeout", async () => {
  const plain = await loopThrough("teamprod");
  assertTrue(plain.code !== 0 && plain.seconds < 10, `comma-free loop: ${JSON.stringify(plain)}`);
  const comma = await loopThrough("team,prod");
  assertTrue(comma.code !== 0, "the loop issued credentials");
  assertEquals(
    comma.seconds < 10,
    true,
    `the loop through team,prod took ${comma.seconds} s (the comma-free one ${plain.seconds} s)`,
  );
});

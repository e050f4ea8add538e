/**
 * `policy diff --prove` and `policy push`'s proof against hostile policies and input:
 *
 * - A pattern that needs exponentially many automaton states (`*a` and two dozen `?`) stops the
 *   proof within seconds with exit 3 and what to do, never a run of minutes; `policy push` then
 *   refuses (exit 10, nothing stored) unless the widening is accepted, as for any change it cannot
 *   prove.
 * - Names with shell syntax in them (`$(…)`, quotes, `;`, a leading `-`) come out of the printed
 *   `sentinel check` command as the same request: bash runs it, nothing is executed, and the
 *   decision matches the region.
 * - `-` for both policies is a usage error, not a read of a locked stream.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { runProgram } from "../harness/run.ts";
import { runSentinel, sentinelCommand } from "../harness/sentinel.ts";
import { FakeTeam } from "../support/fake_team.ts";

const PLAIN =
  `version: "1"\nrules:\n  - { name: devs, effect: allow, conditions: { profiles: [dev] } }\n`;
const EXPONENTIAL = `version: "1"
rules:
  - { name: devs, effect: allow, conditions: { profiles: [dev] } }
  - { name: odd, effect: allow, conditions: { users: ["*a${"?".repeat(24)}"] } }
`;

Deno.test("a proof whose patterns would need exponentially many states stops in seconds (exit 3, naming the pattern), and push refuses it unless accepted", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/old.yaml`, PLAIN);
  await Deno.writeTextFile(`${dir}/new.yaml`, EXPONENTIAL);
  const started = performance.now();
  const run = await runSentinel(
    ["policy", "diff", "old.yaml", "new.yaml", "--prove", "-o", "json"],
    {
      cwd: dir,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  assertEquals(run.code, 3, run.stderr);
  const error = JSON.parse(run.stderr);
  assertEquals(error.error, "proof_too_large");
  assertIncludes(
    error.message,
    `the user patterns of the two policies cannot be told apart exactly`,
  );
  assertIncludes(error.message, `*a${"?".repeat(24)}`);
  assertTrue(seconds < 30, `the proof stopped after ${seconds.toFixed(1)} s`);
  await Deno.remove(dir, { recursive: true });

  const team = new FakeTeam({ policy: PLAIN });
  team.files.set("/p/plain.yaml", PLAIN);
  team.files.set("/p/exponential.yaml", EXPONENTIAL);
  const push = (file: string, ...extra: string[]) =>
    team.run(["policy", "push", "ssm:/sentinel/policy", file, "--aws-profile", "bob", ...extra]);
  assertEquals((await push("/p/plain.yaml")).code, 0);
  const refused = await push("/p/exponential.yaml");
  assertEquals(refused.code, 10, refused.stderr);
  assertIncludes(refused.stderr, "the change cannot be proven to open no access");
  assertEquals(team.aws.calls.filter((c) => c.operation === "PutParameter").length, 1);
  const accepted = await push("/p/exponential.yaml", "--accept-widening");
  assertEquals(accepted.code, 0, accepted.stderr);
  assertEquals(
    team.logRecords().filter((r) => r.type === "policy_change").map((r) => r.actor),
    ["bob"],
  );
});

Deno.test("names with shell syntax come out of the printed check command as the same request: bash runs it, executes nothing, and the decision matches", async () => {
  const dir = await Deno.makeTempDir();
  const hostile = `version: "1"
rules:
  - name: odd
    effect: allow
    conditions:
      users: ["$(touch PWNED)'x\\"y;z"]
      profiles: ["-rf", "p q;r"]
`;
  await Deno.writeTextFile(`${dir}/old.yaml`, PLAIN);
  await Deno.writeTextFile(`${dir}/new.yaml`, hostile);
  const run = await runSentinel(
    ["policy", "diff", "old.yaml", "new.yaml", "--prove", "-o", "json"],
    {
      cwd: dir,
    },
  );
  assertEquals(run.code, 1, run.stderr);
  const regions = (JSON.parse(run.stdout).regions as {
    kind: string;
    check_new: string;
    example: { user: string; profile: string };
  }[]).filter((region) => region.kind === "widens");
  assertEquals(regions.length, 1);
  assertEquals(regions[0].example.user, `$(touch PWNED)'x"y;z`);
  const bin = `${dir}/bin`;
  await Deno.mkdir(bin);
  const words = sentinelCommand().map((word) => `'${word}'`).join(" ");
  await Deno.writeTextFile(`${bin}/sentinel`, `#!/bin/sh\nexec ${words} "$@"\n`, { mode: 0o755 });
  const check = await runProgram("bash", [
    "-c",
    regions[0].check_new.replace(" -- ", " --output=json -- "),
  ], {
    cwd: dir,
    env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
  });
  assertEquals(check.code, 0, check.stderr);
  const decided = JSON.parse(check.stdout);
  assertEquals([decided.request.user, decided.request.profile, decided.decision.rule], [
    regions[0].example.user,
    regions[0].example.profile,
    "odd",
  ]);
  assertEquals(await exists(`${dir}/PWNED`), false, "nothing in a name was executed");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("- for both policies is a usage error (2) naming what to do", async () => {
  const run = await runSentinel(["policy", "diff", "-", "-", "--prove"], { stdin: PLAIN });
  assertEquals(run.code, 2, run.stderr);
  assertIncludes(run.stderr, "only one of the two policies can be read from standard input");
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

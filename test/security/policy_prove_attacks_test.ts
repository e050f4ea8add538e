/**
 * `policy diff --prove` and `policy push`'s proof against hostile policies and input:
 *
 * - A pattern that needs exponentially many automaton states (`*a` and two dozen `?`) stops the
 *   proof within seconds with exit 3 and what to do, never a run of minutes; `policy push` refuses
 *   a change it cannot prove (exit 10, nothing stored) unless the widening is accepted — shown
 *   with an SSM policy this Sentinel finds invalid, below.
 * - Names with shell syntax in them (`$(…)`, quotes, `;`, a leading `-`) come out of the printed
 *   `sentinel check` command as the same request: bash runs it, nothing is executed, and the
 *   decision matches the region.
 * - `-` for both policies is a usage error, not a read of a locked stream.
 * - What a fresh-eyes review found letting a widening through, each now refused by `policy push`
 *   unless accepted: a role guard removed (approvals and break-glass then open the role), approval
 *   entries reordered (a looser one now first), and an SSM policy this Sentinel finds invalid (a
 *   newer one's) taken for no policy at all.
 * - Work is bounded for every kind of blow-up: twenty `*x*` patterns stop within seconds too.
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

Deno.test("a proof whose patterns would need exponentially many states stops in seconds (exit 3, naming the pattern)", async () => {
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
  // About 6 s of work on an idle core; the bound leaves room for a loaded CI machine.
  assertTrue(seconds < 60, `the proof stopped after ${seconds.toFixed(1)} s`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("twenty patterns that one name can all match stop within seconds (exit 3), not after minutes", async () => {
  const dir = await Deno.makeTempDir();
  const many = [..."abcdefghijklmnopqrst"].map((c) => `"*${c}*"`).join(", ");
  await Deno.writeTextFile(`${dir}/old.yaml`, PLAIN);
  await Deno.writeTextFile(
    `${dir}/new.yaml`,
    `version: "1"\nrules:\n  - { name: many, effect: allow, conditions: { users: [${many}] } }\n`,
  );
  const started = performance.now();
  const run = await runSentinel(["policy", "diff", "old.yaml", "new.yaml", "--prove"], {
    cwd: dir,
  });
  const seconds = (performance.now() - started) / 1000;
  assertEquals(run.code, 3, run.stderr);
  assertIncludes(run.stderr, "the user patterns of the two policies cannot be told apart exactly");
  assertTrue(seconds < 60, `stopped after ${seconds.toFixed(1)} s`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("push refuses what a review found slipping through as no new access: a role guard removed, approval entries reordered, an SSM policy invalid here", async () => {
  const guarded = `version: "1"
rules:
  - { name: dev, effect: allow, conditions: { profiles: [dev] } }
  - { name: no-admin, effect: deny, conditions: { roles: ["*:role/Admin"] } }
breakglass:
  - { name: bg, profiles: ["*"], users: ["*"] }
`;
  const unguarded = guarded.replace(/ {2}- \{ name: no-admin.*\n/, "");
  const strictFirst = `${PLAIN}approvals:
  - { name: strict, profiles: [prod], approvers: [bob], required_approvals: 2 }
  - { name: loose, profiles: ["*"], approvers: ["*"], auto_approve: { users: ["*"] } }
`;
  const looseFirst = `${PLAIN}approvals:
  - { name: loose, profiles: ["*"], approvers: ["*"], auto_approve: { users: ["*"] } }
  - { name: strict, profiles: [prod], approvers: [bob], required_approvals: 2 }
`;
  for (
    const [name, before, after, said] of [
      [
        "guard",
        guarded,
        unguarded,
        "on any other profile as roles matching *:role/Admin, at any time",
      ],
      ["order", strictFirst, looseFirst, "approvals loose moved (not proven)"],
    ]
  ) {
    const team = new FakeTeam({ policy: PLAIN });
    team.files.set("/p/before.yaml", before);
    team.files.set("/p/after.yaml", after);
    const push = (file: string) =>
      team.run(["policy", "push", "ssm:/sentinel/policy", file, "--aws-profile", "bob"]);
    assertEquals((await push("/p/before.yaml")).code, 0, name);
    const refused = await push("/p/after.yaml");
    assertEquals(refused.code, 10, `${name}: ${refused.stdout}${refused.stderr}`);
    assertIncludes(refused.stderr, said);
    assertEquals(team.aws.calls.filter((c) => c.operation === "PutParameter").length, 1, name);
  }

  const team = new FakeTeam({ policy: PLAIN });
  team.aws.putParameter("/sentinel/policy", `${PLAIN}future_section: { anything: true }\n`);
  team.files.set("/p/open.yaml", `version: "1"\nrules:\n  - { name: all, effect: allow }\n`);
  const refused = await team.run([
    "policy",
    "push",
    "ssm:/sentinel/policy",
    "/p/open.yaml",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(refused.code, 10, refused.stderr);
  assertIncludes(refused.stderr, "cannot be read (it is not a valid policy here");
  assertEquals(team.aws.calls.filter((c) => c.operation === "PutParameter").length, 0);
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

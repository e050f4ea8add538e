/**
 * What Sentinel tells people to run next works when they copy it (issue 17, the first day): the
 * close command `breakglass` prints, and the approve and cancel commands `request` prints, run as
 * printed — by the invoker or requester in another shell, by an approver under their own
 * profile — on both stores. Each profile flag has one meaning; a `--profile` where it cannot mean
 * the Sentinel profile is refused with the flag that was meant. Answers name their store.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { startTeam, type Team } from "./harness/team.ts";
import { shellWords } from "../src/core/text/shell_words.ts";

const POLICY = `version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
`;

/** The command printed after `label` on its own line, with `<why>` filled in, as words. */
function printed(stdout: string, label: string): string[] {
  const line = stdout.split("\n").find((l) => l.trim().startsWith(label));
  assertTrue(line !== undefined, `no "${label}" line in:\n${stdout}`);
  const words = shellWords(line!.trim().slice(label.length).trim().replace("<why>", "done"));
  assertTrue(words !== undefined && words[0] === "sentinel", line);
  return words!.slice(1);
}

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`on ${store}, the close command breakglass prints works as printed, in a shell with no AWS_PROFILE`, async () => {
    await using t = await startTeam({ store, policy: POLICY });
    const invoked = await t.run(["breakglass", "prod", "--reason-code", "incident", "-j", "INC-3"]);
    assertEquals(invoked.code, 0, invoked.stderr);
    const close = printed(invoked.stdout, "end it:");
    assertIncludes(close.join(" "), "--aws-profile alice");
    const closed = await t.run(close);
    assertEquals(closed.code, 0, closed.stderr);
    assertIncludes(closed.stdout, "closed by alice");
    assertIncludes(closed.stdout, `store: ${t.store}`);
  });

  Deno.test(`on ${store}, the approve and cancel commands request prints work as printed`, async () => {
    await using t = await startTeam({ store, policy: POLICY });
    const asked = await t.run(["request", "prod", "--reason", "deploy"]);
    assertEquals(asked.code, 0, asked.stderr);
    const approve = printed(asked.stdout, "approvers run:");
    assertIncludes(approve.join(" "), `--store ${t.store}`);
    const approved = await t.run(approve, { AWS_PROFILE: "bob" });
    assertEquals(approved.code, 0, approved.stderr);
    assertIncludes(approved.stdout, "approved by bob");

    const again = await t.run(["request", "prod", "--reason", "more", "--anyway"]);
    assertEquals(again.code, 0, again.stderr);
    const cancelled = await t.run(printed(again.stdout, "cancel:"));
    assertEquals(cancelled.code, 0, cancelled.stderr);
    assertIncludes(cancelled.stdout, "cancelled by alice");
  });
}

Deno.test("while an approved request covers the profile, request says until when and asks nothing", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const asked = await t.run(["request", "prod", "--reason", "deploy", "-o", "json"]);
  const id = JSON.parse(asked.stdout).id;
  assertEquals((await t.as("bob", ["approve", id])).code, 0);
  const again = await t.run(["request", "prod", "--reason", "deploy again"]);
  assertEquals(again.code, 0, again.stderr);
  assertIncludes(again.stdout, `you already have prod until`);
  assertIncludes(again.stdout, `(request ${id}, approved by bob); nothing new was asked`);
  const listed = await t.as("bob", ["requests", "-o", "json"]);
  assertEquals(JSON.parse(listed.stdout).requests.length, 1);
});

Deno.test("each profile flag has one meaning: a --profile that cannot name the Sentinel profile is refused with the flag meant", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const cases: [string[], string[]][] = [
    [["requests", "--profile", "base"], ["--for-profile base", "--aws-profile base"]],
    [["approve", "0123456789abcdef", "--profile", "bob"], ["--aws-profile bob"]],
    [["breakglass", "list", "--profile", "prod"], ["--for-profile prod", "--aws-profile prod"]],
    [["policy", "pull", "ssm:/sentinel/policy", "--profile", "admin"], ["--aws-profile admin"]],
    [["log", "--profile", "prod"], ["--for-profile prod"]],
  ];
  for (const [args, meant] of cases) {
    const run = await t.run(args);
    assertEquals(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    for (const flag of meant) assertIncludes(run.stderr, flag, args.join(" "));
  }
});

Deno.test("an empty answer names the store it looked in and where the setting came from", async (t) => {
  await using team: Team = await startTeam({ store: "sqlite", policy: POLICY });
  await t.step("no store yet: reading creates none, and says which setting named it", async () => {
    const run = await team.as("bob", ["requests"]);
    assertEquals(run.code, 3, run.stderr);
    assertIncludes(run.stderr, `there is no store at ${team.store.slice("sqlite:".length)}`);
    assertIncludes(run.stderr, "store in ");
  });
  assertEquals((await team.as("bob", ["store", "init"])).code, 0);
  await t.step("requests", async () => {
    const run = await team.as("bob", ["requests"]);
    assertEquals(run.code, 0, run.stderr);
    assertIncludes(run.stdout, `no requests in the store ${team.store} (from store in `);
    const json = JSON.parse((await team.as("bob", ["requests", "-o", "json"])).stdout);
    assertEquals(json.store, team.store);
  });
  await t.step("breakglass list", async () => {
    const run = await team.as("bob", ["breakglass", "list"]);
    assertIncludes(run.stdout, `no break-glass events in the store ${team.store}`);
  });
  await t.step("a request that is not there", async () => {
    const run = await team.as("bob", ["requests", "show", "0123456789abcdef"]);
    assertEquals(run.code, 2);
    assertIncludes(run.stderr, `there is no request 0123456789abcdef in the store ${team.store}`);
  });
});

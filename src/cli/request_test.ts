/**
 * `sentinel request` in process: what the requester is told (text: the id, who approves, the
 * commands to run next; JSON: the request), `--wait` until a decision or the timeout (5), the
 * cases where nothing is asked, and usage errors. The real CLI against moto:
 * test/approvals_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertMatch } from "../../test/assert.ts";
import { APPROVAL_POLICY, REQUEST_JSON_KEYS } from "../../test/support/cli_policies.ts";
import { FakeTeam, STORE } from "../../test/support/fake_team.ts";

Deno.test("request prints the id, who approves, and the commands approvers and the requester run next, each naming the store or identity it needs", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run(["request", "prod", "--reason", "deploy 1.2.3", "--duration", "1h"]);
  assertEquals([run.code, run.stderr], [0, ""]);
  const [id] = (await team.store().approvals.list({ limit: 1 })).items.map((r) => r.id);
  assertEquals(
    run.stdout,
    `request ${id}: pending, needs 1 approval(s) from bob, carol\n` +
      `  approvers run: sentinel approve ${id} --store ${STORE}\n` +
      `  status:        sentinel requests show ${id} --aws-profile alice\n` +
      `  cancel:        sentinel cancel ${id} --aws-profile alice\n` +
      `  store:         ${STORE} (from store in /home/alice/.config/sentinel/config.yaml)\n`,
  );
});

Deno.test("request --output json gives the stored request and its store", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run(["request", "prod", "-r", "deploy", "-o", "json"]);
  assertEquals(run.code, 0, run.stderr);
  const json = run.json();
  assertEquals(Object.keys(json), REQUEST_JSON_KEYS);
  assertEquals([json.status, json.requester, json.duration_seconds, json.store], [
    "pending",
    "alice",
    3600,
    STORE,
  ]);
});

Deno.test("request --wait returns once approved (0), and gives up at --timeout still pending (exit 5, approval_timed_out)", async () => {
  const auto = new FakeTeam({
    policy: APPROVAL_POLICY.replace(
      "max_duration: 2h",
      "max_duration: 2h\n    auto_approve: { users: [alice] }",
    ),
  });
  const approved = await auto.run(["request", "prod", "-r", "x", "--wait"]);
  assertEquals(approved.code, 0, approved.stderr);
  assertMatch(approved.stdout, /approved by the policy \(auto_approve\) until/);

  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const started = team.clock.now();
  const waited = await team.run([
    "request",
    "prod",
    "-r",
    "x",
    "--wait",
    "--timeout",
    "30s",
    "-o",
    "json",
  ]);
  assertEquals([waited.code, waited.error().code], [5, "approval_timed_out"]);
  assertEquals(JSON.parse(waited.stdout.split("\n")[0]).status, "pending");
  assertEquals(team.clock.now() - started, 30_000, "it waited 30 s on the deps' clock");
});

Deno.test("request asks nothing when the policy allows, or when an approval already covers the profile", async () => {
  const open = new FakeTeam({
    policy: APPROVAL_POLICY.replace("effect: require_approval", "effect: allow"),
  });
  const free = await open.run(["request", "prod", "-r", "x", "-o", "json"]);
  assertEquals([free.code, free.json()], [0, {
    needed: false,
    profile: "prod",
    rule: "prod-approval",
  }]);

  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const first = (await team.run(["request", "prod", "-r", "x", "-o", "json"])).json();
  assertEquals((await team.run(["approve", String(first.id), "--aws-profile", "bob"])).code, 0);
  const again = await team.run(["request", "prod", "-r", "more"]);
  assertEquals(again.code, 0);
  assertIncludes(again.stdout, `you already have prod until`);
  assertIncludes(again.stdout, `(request ${first.id}, approved by bob); nothing new was asked`);
});

Deno.test("request refusals: a deny rule (4), no reason, a window shorter than 20m, a bad --timeout (2)", async () => {
  const denying = new FakeTeam({
    policy: APPROVAL_POLICY.replace("effect: require_approval", "effect: deny"),
  });
  const denied = await denying.run(["request", "prod", "-r", "x"]);
  assertEquals(denied.code, 4);
  assertIncludes(denied.stderr, "an approval cannot override a deny");

  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  for (
    const [args, fragment] of [
      [["request", "prod"], "say why you need the access: --reason <text>"],
      [
        ["request", "prod", "-r", "x", "-d", "10m"],
        '--duration "10m" must be a duration from 20m to 12h',
      ],
      [["request", "prod", "-r", "x", "--timeout", "soon"], '--timeout "soon" is not a duration'],
      [["request", "-r", "x"], "name the profile: sentinel request <profile> --reason <text>"],
    ] as const
  ) {
    const run = await team.run(args);
    assertEquals(run.code, 2, args.join(" "));
    assertIncludes(run.stderr, fragment);
  }
  assertEquals(team.stores.state(STORE), undefined, "nothing was stored");
});

Deno.test("request takes Sentinel v1's spelling: --profile and --justification", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run([
    "request",
    "--profile",
    "prod",
    "--justification",
    "deploy",
    "-o",
    "json",
  ]);
  assertEquals([run.code, run.json().reason], [0, "deploy"]);
});

/**
 * Break-glass over in-memory fakes (test/support/fake_team.ts): loud (every notifier hears an
 * invocation, and it grants nothing until they have), limited (one open event per person and
 * profile, cooldowns, quotas, require_review, a clock far from the store's refused), reviewed by
 * someone else, and judged again at every issuance under the policy in force. Each refusal with
 * its exit code and error code. The slow end-to-end twins are in test/security/ and
 * test/breakglass_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertRejects, assertTrue } from "../../test/assert.ts";
import { FakeTeam, STORE, TEAM_ROLE } from "../../test/support/fake_team.ts";
import { pluginEntry } from "../../test/support/fake_plugins.ts";
import type { BreakglassEvent } from "../core/breakglass/event.ts";
import { openEvent } from "../core/breakglass/transitions.ts";
import { SentinelError } from "../core/errors.ts";
import { actOnEvent, invokeBreakglass, type InvokeInput, listEvents } from "./breakglass.ts";
import { issueCredentials } from "./issuance/issue.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

const POLICY = `version: "1"
rules:
  - name: prod-closed
    effect: deny
    conditions: { profiles: [prod] }
    reason: prod is closed outside emergencies
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident, security]
    max_duration: 1h
`;

/** The break-glass rule with more keys (indented as the rule's). */
const withRule = (more: string) =>
  POLICY.replace("    max_duration: 1h\n", `    max_duration: 1h\n${more}`);

const INVOKE: InvokeInput = { profile: "prod", reasonCode: "incident", justification: "INC-7" };

async function refusal(run: () => Promise<unknown>): Promise<SentinelError> {
  return await assertRejects(run, SentinelError) as SentinelError;
}

function issue(team: FakeTeam) {
  return issueCredentials({ profile: "prod", mode: "cli" }, team.deps());
}

function close(team: FakeTeam, id: string, user = "alice") {
  return actOnEvent(team.deps(), id, { kind: "close", reason: "done" }, FakeTeam.as(user));
}

Deno.test("an invocation is announced to every notifier, logged as elevated, and lends the closed profile until it ends", async () => {
  const chat = pluginEntry("chat", "notifier", { events: ["approval_requested"] });
  const team = new FakeTeam({ policy: POLICY, plugins: [chat] });
  const denied = await refusal(() => issue(team));
  assertEquals([denied.exitCode, denied.code], [4, "denied"], "closed outside emergencies");

  const { event, escalated } = await invokeBreakglass(team.deps(), INVOKE);
  assertEquals([event.invoker, event.profile, event.endsAt], [
    "alice",
    "prod",
    team.clock.now() + HOUR,
  ]);
  assertEquals(event.announcedAt, team.clock.now());
  assertEquals(escalated, false);
  assertEquals(
    team.plugins.typesSentTo("chat"),
    ["breakglass_invoked"],
    "break-glass goes to every notifier, whatever events it takes",
  );
  const invoked = team.logRecords().find((r) => r.type === "breakglass");
  assertEquals([invoked?.action, invoked?.elevated], ["invoked", true]);

  team.clock.advance(10 * MIN);
  const issued = await issue(team);
  const [call] = team.aws.assumeRoleCalls();
  assertIncludes(call.get("SourceIdentity")!, event.id, "the session names the event");
  assertEquals(issued.credentials.expiration, event.endsAt, "the session ends with the event");

  await close(team, event.id);
  assertEquals((await refusal(() => issue(team))).exitCode, 4, "closing ends it at once");
  assertEquals(team.aws.assumeRoleCalls().length, 1, "a break-glass session is never cached");
});

Deno.test("break-glass needs a rule naming the user and the reason code (exit 4, breakglass_not_allowed, breakglass_reason_not_allowed)", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("users: [alice]", "users: [carol]") });
  const nobody = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([nobody.exitCode, nobody.code], [4, "breakglass_not_allowed"]);

  const coded = new FakeTeam({ policy: POLICY });
  const code = await refusal(() =>
    invokeBreakglass(coded.deps(), { ...INVOKE, reasonCode: "maintenance" })
  );
  assertEquals([code.exitCode, code.code], [4, "breakglass_reason_not_allowed"]);
  assertIncludes(code.message, "allowed: incident, security");
  assertEquals(coded.plugins.calls, [], "nobody was paged");
});

Deno.test("a role a deny rule guards is never opened by break-glass (exit 4, breakglass_role_denied), before anyone is paged", async () => {
  const guarded = POLICY.replace(
    "approvals:",
    `  - name: no-prod-role
    effect: deny
    conditions: { roles: ["${TEAM_ROLE}"] }
    reason: never opened
approvals:`,
  );
  const team = new FakeTeam({ policy: guarded, plugins: [pluginEntry("pager", "notifier")] });
  const error = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([error.exitCode, error.code], [4, "breakglass_role_denied"]);
  assertEquals(team.plugins.calls, []);
  assertEquals(team.stores.state(STORE)?.events.size ?? 0, 0);
});

Deno.test("one open event per person and profile: a second invocation is refused with the first (exit 4, breakglass_already_open) and spends no quota", async () => {
  const team = new FakeTeam({
    policy: withRule("    quota: { per_user: { max: 2, window: 24h } }\n"),
  });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  const second = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([second.exitCode, second.code], [4, "breakglass_already_open"]);
  assertIncludes(
    second.message,
    `you already have break-glass ${first.event.id} for prod open until`,
  );
  await close(team, first.event.id);
  const third = await invokeBreakglass(team.deps(), INVOKE);
  await close(team, third.event.id);
  const fourth = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([fourth.exitCode, fourth.code], [4, "breakglass_rate_limited"]);
  assertIncludes(fourth.message, "the per-user quota (2 per 24h) of alice is used up");
});

Deno.test("a cooldown holds between invocations and frees up when it has passed", async () => {
  const team = new FakeTeam({ policy: withRule("    cooldown: 30m\n") });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  await close(team, first.event.id);
  team.clock.advance(30 * MIN - 1);
  const early = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([early.exitCode, early.code], [4, "breakglass_rate_limited"]);
  assertIncludes(early.message, "that cooldown must pass between invocations");
  assertIncludes(
    early.message,
    `the next one can start at ${new Date(first.event.createdAt + 30 * MIN).toISOString()}`,
  );
  team.clock.advance(1);
  assertEquals((await invokeBreakglass(team.deps(), INVOKE)).event.invoker, "alice");
});

Deno.test("a per-profile quota counts every invoker of the profile", async () => {
  const policy = withRule("    quota: { per_profile: { max: 1, window: 1h } }\n")
    .replace("users: [alice]", "users: [alice, bob]");
  const team = new FakeTeam({ policy });
  await invokeBreakglass(team.deps(), INVOKE);
  // bob, on his machine: the same prod profile, with his own base credentials.
  const config = team.env().paths.awsConfig;
  team.files.set(
    config,
    team.files.get(config)!.replace(
      "sentinel_source_profile = alice",
      "sentinel_source_profile = bob",
    ),
  );
  const bobs = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([bobs.exitCode, bobs.code], [4, "breakglass_rate_limited"]);
  assertIncludes(bobs.message, "the per-profile quota (1 per 1h) of prod is used up");
});

Deno.test("a required notifier that cannot announce the invocation closes it at once (exit 7); it grants nothing and gives its quota back", async () => {
  const pager = pluginEntry("pager", "notifier", { required: true });
  const team = new FakeTeam({ policy: withRule("    cooldown: 1h\n"), plugins: [pager] });
  team.plugins.fail("pager");
  const error = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals(error.exitCode, 7);
  assertIncludes(error.message, "was closed at once and grants nothing");
  const [event] = (await team.store().breakglass.list({ limit: 5 })).items;
  assertEquals([event.closedBy, event.announcedAt], ["sentinel", undefined]);
  assertEquals((await refusal(() => issue(team))).exitCode, 4);
  assertEquals(team.aws.assumeRoleCalls().length, 0);

  team.plugins.heal("pager");
  const retried = await invokeBreakglass(team.deps(), INVOKE);
  assertTrue(retried.event.announcedAt !== undefined, "the cooldown was not spent by the failure");
});

/** An announced event of alice for prod under rule `sre`, written straight into the store. */
function stored(team: FakeTeam, id: string, over: Partial<BreakglassEvent> = {}): BreakglassEvent {
  const now = team.clock.now();
  return {
    ...openEvent({
      id,
      invoker: "alice",
      profile: "prod",
      roleArn: TEAM_ROLE,
      reasonCode: "incident",
      justification: "written into the store",
      rule: "sre",
      now,
      endsAt: now + 30 * MIN,
    }),
    announcedAt: now,
    ...over,
  };
}

Deno.test("an event nobody announced (its invocation was cut off) grants nothing while its announcement is under way, then is announced late and grants", async () => {
  const pager = pluginEntry("pager", "notifier", { required: true, timeoutMs: 1_000 });
  const team = new FakeTeam({ policy: POLICY, plugins: [pager] });
  const silent = stored(team, "a0000000000000a1", {
    announcedAt: undefined,
    announceClaimedAt: team.clock.now(),
  });
  await team.store().breakglass.invoke(silent, []);
  const early = await refusal(() => issue(team));
  assertEquals(early.exitCode, 4);
  assertIncludes(
    early.message,
    `Break-glass event ${silent.id} grants nothing: its announcement is under way`,
  );
  assertEquals(team.plugins.typesSentTo("pager"), ["credential_denied"], "no second announcement");

  team.clock.advance(16_001); // the invoking call's lease: the notifier's timeout and 15 s
  await issue(team);
  assertEquals(team.plugins.typesSentTo("pager"), ["credential_denied", "breakglass_invoked"]);
  assertTrue(
    team.logRecords().some((r) => r.action === "announced" && r.breakglass_event_id === silent.id),
    "the late announcement is logged",
  );
  assertTrue((await team.store().breakglass.get(silent.id))?.announcedAt !== undefined);
});

Deno.test("a second invocation while the first is unannounced announces that one instead of opening another", async () => {
  const team = new FakeTeam({ policy: POLICY, plugins: [pluginEntry("pager", "notifier")] });
  const silent = stored(team, "a0000000000000a2", { announcedAt: undefined });
  await team.store().breakglass.invoke(silent, []);
  team.clock.advance(HOUR / 4);
  const resumed = await invokeBreakglass(team.deps(), INVOKE);
  assertEquals([resumed.event.id, resumed.resumed], [silent.id, true]);
  assertEquals((await team.store().breakglass.list({ limit: 5 })).items.length, 1);
});

Deno.test("a clock far from the store's cannot invoke (exit 4, clock_skew): nothing is stored or paged", async () => {
  for (const skew of [365 * 24 * HOUR, -10 * MIN]) {
    const team = new FakeTeam({ policy: POLICY, plugins: [pluginEntry("pager", "notifier")] });
    team.storeSkewMs = -skew; // this machine is `skew` ahead of the store
    const error = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
    assertEquals([error.exitCode, error.code], [4, "clock_skew"], String(skew));
    assertIncludes(
      error.message,
      skew > 0 ? "ahead of the clock of the store" : "behind the clock of the store",
    );
    assertEquals(team.stores.state(STORE)?.events.size, 0);
    assertEquals(team.plugins.calls, []);
  }
  const close = new FakeTeam({ policy: POLICY });
  close.storeSkewMs = 2 * MIN; // within the tolerated skew
  assertEquals((await invokeBreakglass(close.deps(), INVOKE)).event.invoker, "alice");
});

Deno.test("a stored event that fails the policy in force grants nothing, and the refusal (exit 4) says why", async () => {
  const year = 365 * 24 * HOUR;
  const cases: [string, (now: number) => Partial<BreakglassEvent>, string][] = [
    ["rule gone", () => ({ rule: "ghost" }), 'the policy has no breakglass: rule "ghost" any more'],
    [
      "reason code not allowed",
      () => ({ reasonCode: "other" }),
      'breakglass: rule "sre" does not allow reason code "other"',
    ],
    [
      "stamped in the future",
      (now) => ({ createdAt: now + year, endsAt: now + year + 30 * MIN }),
      "it was invoked in the future",
    ],
    [
      "longer than max_duration",
      (now) => ({ endsAt: now + 30 * 24 * HOUR }),
      'longer than the 1h breakglass: rule "sre" allows',
    ],
    [
      "another role",
      () => ({ roleArn: "arn:aws:iam::123456789012:role/Other" }),
      "it is for prod (arn:aws:iam::123456789012:role/Other)",
    ],
  ];
  for (const [what, over, why] of cases) {
    const team = new FakeTeam({ policy: POLICY });
    const event = stored(team, "a0000000000000b1", over(team.clock.now()));
    await team.store().breakglass.invoke(event, []);
    const error = await refusal(() => issue(team));
    assertEquals(error.exitCode, 4, what);
    assertIncludes(error.message, `Break-glass event ${event.id} grants nothing: `);
    assertIncludes(error.message, why);
    assertEquals(team.aws.assumeRoleCalls().length, 0, what);
  }
  const unnamed = new FakeTeam({ policy: POLICY.replace("users: [alice]", "users: [carol]") });
  await unnamed.store().breakglass.invoke(stored(unnamed, "a0000000000000b2"), []);
  assertIncludes(
    (await refusal(() => issue(unnamed))).message,
    'breakglass: rule "sre" does not name alice',
  );
});

Deno.test("require_review: the next invocation waits for a review by someone else than the invoker", async () => {
  const team = new FakeTeam({
    policy: withRule("    require_review: true\n    reviewers: [carol]\n"),
  });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  await close(team, first.event.id);
  const blocked = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([blocked.exitCode, blocked.code], [4, "breakglass_review_pending"]);
  assertIncludes(blocked.message, `sentinel breakglass review ${first.event.id}`);

  const own = await refusal(() =>
    actOnEvent(team.deps(), first.event.id, { kind: "review", notes: "fine" }, FakeTeam.as("alice"))
  );
  assertEquals([own.exitCode, own.code], [4, "not_a_reviewer"]);
  const stranger = await refusal(() =>
    actOnEvent(team.deps(), first.event.id, { kind: "review", notes: "fine" }, FakeTeam.as("dave"))
  );
  assertEquals(stranger.code, "not_a_reviewer");

  const reviewed = await actOnEvent(
    team.deps(),
    first.event.id,
    { kind: "review", notes: "root cause: expired cert" },
    FakeTeam.as("carol"),
  );
  assertEquals([reviewed.event.reviewedBy, reviewed.actor], ["carol", "carol"]);
  assertEquals((await invokeBreakglass(team.deps(), INVOKE)).event.invoker, "alice");
});

Deno.test("a review written into the store by someone the policy does not allow does not lift require_review", async () => {
  const team = new FakeTeam({
    policy: withRule("    require_review: true\n    reviewers: [carol]\n"),
  });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  const event = (await team.store().breakglass.get(first.event.id))!;
  await team.store().breakglass.update(
    {
      ...event,
      closedAt: team.clock.now(),
      closedBy: "alice",
      reviewedAt: team.clock.now(),
      reviewedBy: "dave",
      version: event.version + 1,
    },
    event.version,
  );
  const error = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([error.exitCode, error.code], [4, "breakglass_review_pending"]);
  assertIncludes(error.message, "does not count");
});

Deno.test("the escalation threshold notifies breakglass_escalated once the invoker reaches it", async () => {
  const team = new FakeTeam({
    policy: withRule("    escalation_threshold: 2\n"),
    plugins: [pluginEntry("security", "notifier")],
  });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  assertEquals(first.escalated, false);
  await close(team, first.event.id);
  const second = await invokeBreakglass(team.deps(), INVOKE);
  assertEquals(second.escalated, true);
  assertEquals(team.plugins.typesSentTo("security"), [
    "breakglass_invoked",
    "breakglass_closed",
    "breakglass_invoked",
    "breakglass_escalated",
  ]);
  const escalation = team.plugins.notifications().at(-1)!.data;
  assertEquals([escalation.invocations_by_user, escalation.threshold], [2, 2]);
});

Deno.test("closing: the invoker or an approver of the profile may (exit 4, not_allowed_to_close, for others); an ended event is a conflict (exit 12)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const { event } = await invokeBreakglass(team.deps(), INVOKE);
  const carol = await refusal(() => close(team, event.id, "carol"));
  assertEquals([carol.exitCode, carol.code], [4, "not_allowed_to_close"]);
  const closed = await close(team, event.id, "bob");
  assertEquals([closed.event.closedBy, closed.event.endsAt], ["bob", team.clock.now()]);
  const again = await refusal(() => close(team, event.id));
  assertEquals([again.exitCode, again.code], [12, "conflict"]);
  const missing = await refusal(() => close(team, "00000000000000ee"));
  assertEquals([missing.exitCode, missing.code], [2, "not_found"]);
});

Deno.test("lists filter by active and unreviewed, newest first, and name a damaged event", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const first = await invokeBreakglass(team.deps(), INVOKE);
  await close(team, first.event.id);
  team.clock.advance(MIN);
  const second = await invokeBreakglass(team.deps(), INVOKE);
  const bob = FakeTeam.as("bob");
  const all = await listEvents(team.deps(), { limit: 10 }, bob);
  assertEquals(all.items.map((e) => e.id), [second.event.id, first.event.id]);
  const active = await listEvents(team.deps(), { active: true, limit: 10 }, bob);
  assertEquals(active.items.map((e) => e.id), [second.event.id]);
  team.stores.state(STORE)!.writeRaw(
    "event",
    stored(team, "a0000000000000c1"),
    '{"id":"a0000000000000c1"}',
  );
  const warnings: string[] = [];
  const listed = await listEvents(team.deps((t) => warnings.push(t)), {
    unreviewed: true,
    limit: 10,
  }, bob);
  assertEquals(listed.items.length, 2);
  assertEquals(listed.damaged?.map((d) => d.id), ["a0000000000000c1"]);
  assertIncludes(warnings.join(""), "break-glass event a0000000000000c1 in the in-memory store");
});

Deno.test("a justification is required (exit 2), and a duration shorter than a usable session is refused (window_too_short, or rule_window_too_short when the rule caps it)", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("max_duration: 1h", "max_duration: 15m") });
  const empty = await refusal(() =>
    invokeBreakglass(team.deps(), { ...INVOKE, justification: "" })
  );
  assertEquals(empty.exitCode, 2);
  const short = await refusal(() => invokeBreakglass(team.deps(), INVOKE));
  assertEquals([short.exitCode, short.code], [3, "rule_window_too_short"]);
});

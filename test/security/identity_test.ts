/**
 * Who may approve and review (DESIGN §8, §9): an identity is qualified by its account and
 * principal kind and compared exactly, and approvers and reviewers are judged by the policy in
 * force.
 *
 * - A same-named user in another account, a session another account's SSO role calls `bob`, a
 *   federation-token session that named itself `bob`, or a role session alice named `bob`
 *   (RoleSessionName) is someone else: it is named by its ARN, which a plain policy name — even
 *   `"*"` — never matches. The requester never approves their own request under another name.
 * - An approver is judged by the policy in force: never by a policy file they name (`--policy`),
 *   never by the one the requester chose (SENTINEL_POLICY when requesting). A reviewer is judged
 *   by the policy the event was invoked under: `breakglass review` takes no `--policy`, and a
 *   SENTINEL_POLICY of their own neither makes a stranger a reviewer nor lifts `require_review`.
 * - whoami shows the qualified identity, and the log keeps every actor's ARN.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { serveStandIn, stsIdentity } from "../harness/stand_in_aws.ts";
import { startTeam, type Team } from "../harness/team.ts";

const HOME = "123456789012";
const FOREIGN = "999999999999";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
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
    reviewers: [carol]
`;

async function requestAsAlice(t: Team, env: Record<string, string> = {}): Promise<string> {
  const created = await t.run(["request", "prod", "--reason", "deploy", "-o", "json"], env);
  assertEquals(created.code, 0, created.stderr);
  return JSON.parse(created.stdout).id;
}

/** Credentials of a session of `role` in the foreign account, named `session`. */
async function foreignSession(t: Team, role: string, session: string) {
  const env = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const assumed = await aws([
    "sts",
    "assume-role",
    "--role-arn",
    `arn:aws:iam::${FOREIGN}:role/${role}`,
    "--role-session-name",
    session,
  ], env);
  assertEquals(assumed.code, 0, assumed.stderr);
  const c = JSON.parse(assumed.stdout).Credentials;
  return {
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
  };
}

/** Keys of an IAM user `bob` created in the foreign account. */
async function foreignBob(t: Team) {
  const admin = {
    ...t.moto.clientEnv(),
    ...(await foreignSession(t, "Admin", "setup")),
    AWS_CONFIG_FILE: "/dev/null",
  };
  assertEquals((await aws(["iam", "create-user", "--user-name", "bob"], admin)).code, 0);
  const key = await aws(["iam", "create-access-key", "--user-name", "bob"], admin);
  assertEquals(key.code, 0, key.stderr);
  const { AccessKeyId, SecretAccessKey } = JSON.parse(key.stdout).AccessKey;
  return { AWS_ACCESS_KEY_ID: AccessKeyId, AWS_SECRET_ACCESS_KEY: SecretAccessKey };
}

Deno.test("an IAM user bob of another account, and another account's SSO session named bob, never approve as bob", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const id = await requestAsAlice(t);
  const impostors = {
    "IAM user bob of another account": await foreignBob(t),
    "SSO session bob of another account": await foreignSession(
      t,
      "AWSReservedSSO_Admin_1a2b",
      "bob",
    ),
  };
  for (const [who, keys] of Object.entries(impostors)) {
    const approved = await t.run(["approve", id], keys);
    assertEquals(approved.code, 4, `${who}: ${approved.stdout}${approved.stderr}`);
    assertIncludes(approved.stderr, `arn:aws:`, who);
    assertIncludes(approved.stderr, `:${FOREIGN}:`, who);
    assertIncludes(approved.stderr, "is not an approver", who);
  }
  const refused = await t.run(["credentials", "prod"]);
  assertEquals([refused.code, refused.stdout], [5, ""], refused.stderr);
  assertTrue(
    (await t.home.readLog()).every((r) => r.type !== "approval" || r.to !== "approved"),
    "a refused approval was logged as an approval",
  );

  // Said explicitly, by ARN, the policy can trust a principal of another account.
  await Deno.writeTextFile(
    t.policyPath,
    POLICY.replace("approvers: [bob]", `approvers: [bob, "arn:aws:iam::${FOREIGN}:user/bob"]`),
  );
  const trusted = await t.run(["approve", id], impostors["IAM user bob of another account"]);
  assertEquals(trusted.code, 0, trusted.stderr);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(issued.code, 0, issued.stderr);
});

/** An STS stand-in that says every caller is `arn` (a federation-token session, here). */
function federated(name: string) {
  const arn = `arn:aws:sts::${HOME}:federated-user/${name}`;
  const sts = serveStandIn(() => stsIdentity(arn, HOME));
  return {
    arn,
    env: {
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      // Fresh keys, so no identity cached for other keys is reused.
      AWS_ACCESS_KEY_ID: `ASIAFEDERATED${name.toUpperCase().padEnd(7, "X")}`,
      AWS_SECRET_ACCESS_KEY: "federated-secret",
      AWS_SESSION_TOKEN: "federated-token",
    },
    [Symbol.asyncDispose]: () => sts[Symbol.asyncDispose](),
  };
}

Deno.test("a federation-token session that named itself bob never approves as bob; alice as federated ALICE never approves her own request, even where approvers are *", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const id = await requestAsAlice(t);
  {
    await using bob = federated("bob");
    const approved = await t.run(["approve", id], bob.env);
    assertEquals(approved.code, 4, approved.stderr);
    assertIncludes(approved.stderr, `${bob.arn} is not an approver`);
  }
  await Deno.writeTextFile(t.policyPath, POLICY.replace("approvers: [bob]", 'approvers: ["*"]'));
  {
    await using alice = federated("ALICE");
    const approved = await t.run(["approve", id], alice.env);
    assertEquals(approved.code, 4, approved.stderr);
    assertIncludes(approved.stderr, "is not an approver");
    assertIncludes(approved.stderr, "federated user");
  }
  const refused = await t.run(["credentials", "prod"]);
  assertEquals([refused.code, refused.stdout], [5, ""], refused.stderr);
});

Deno.test("a federation-token session alice named carol cannot review alice's break-glass", async () => {
  await using t = await startTeam({
    store: "sqlite",
    policy: POLICY.replace("require_approval", "deny"),
  });
  const invoked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "-j",
    "x",
    "-o",
    "json",
  ]);
  assertEquals(invoked.code, 0, invoked.stderr);
  const id = JSON.parse(invoked.stdout).id;
  await using carol = federated("carol");
  const reviewed = await t.run(["breakglass", "review", id, "--notes", "fine"], carol.env);
  assertEquals(reviewed.code, 4, reviewed.stderr);
  assertIncludes(reviewed.stderr, `${carol.arn} is neither a reviewer`);
  const real = await t.as("carol", ["breakglass", "review", id, "--notes", "fine"]);
  assertEquals(real.code, 0, real.stderr);
  const review = (await t.home.readLog()).find((r) =>
    r.type === "breakglass" && r.action === "reviewed"
  );
  assertEquals(review?.actor, "carol");
  assertEquals(review?.actor_arn, `arn:aws:iam::${HOME}:user/carol`);
  assertEquals(review?.invoker_arn, `arn:aws:iam::${HOME}:user/alice`);
});

Deno.test("the approver is judged by the policy in force, not by the one the requester chose (SENTINEL_POLICY when requesting)", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const permissive = `${t.home.dir}/permissive.yaml`;
  await Deno.writeTextFile(permissive, POLICY.replace("approvers: [bob]", "approvers: [carol]"));
  const id = await requestAsAlice(t, { SENTINEL_POLICY: permissive });
  const approved = await t.as("carol", ["approve", id]);
  assertEquals(approved.code, 4, approved.stderr);
  assertIncludes(approved.stderr, "carol is not an approver");
  const log = await t.home.readLog();
  assertTrue(
    log.every((r) => !(r.type === "approval" && r.actor === "carol")),
    "carol's refused approval was logged",
  );
  // The recorded policy can only narrow: bob, an approver under the policy in force, is refused
  // too (it does not name him), and told so; a request made under the policy in force works.
  const narrowed = await t.as("bob", ["approve", id]);
  assertEquals(narrowed.code, 4, narrowed.stderr);
  assertIncludes(narrowed.stderr, `under the policy ${id} was made under`);
  const proper = await requestAsAlice(t);
  const real = await t.as("bob", ["approve", proper]);
  assertEquals(real.code, 0, real.stderr);
  const record = (await t.home.readLog()).find((r) => r.type === "approval" && r.to === "approved");
  assertEquals(record?.actor_arn, `arn:aws:iam::${HOME}:user/bob`);
  assertEquals(record?.requester_arn, `arn:aws:iam::${HOME}:user/alice`);
});

Deno.test("whoami shows the qualified identity: kind, account, ARN, and why an identity is named by its ARN", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const own = await t.run(["whoami", "--profile", "prod", "-o", "json"]);
  assertEquals(own.code, 0, own.stderr);
  const me = JSON.parse(own.stdout);
  assertEquals([me.user, me.kind, me.account, me.arn], [
    "alice",
    "iam_user",
    HOME,
    `arn:aws:iam::${HOME}:user/alice`,
  ]);
  const stranger = await t.run(["whoami"], await foreignBob(t));
  assertEquals(stranger.code, 0, stranger.stderr);
  assertIncludes(stranger.stdout, `account: ${FOREIGN}`);
  assertIncludes(stranger.stdout, "kind:    IAM user");
  assertIncludes(stranger.stdout, `and arn:aws:iam::${FOREIGN}:user/bob elsewhere`);
  await using fed = federated("bob");
  const named = await t.run(["whoami"], fed.env);
  assertIncludes(named.stdout, "a federated user's name is self-chosen");
});

/** Two approvers, and a reason to show. */
const TWO_APPROVERS_POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    reason: production needs a second pair of eyes
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob, dave]
    max_duration: 2h
`;

Deno.test("an approver is judged by the policy in force, never by a --policy file they name: carol's approval issues nothing", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TWO_APPROVERS_POLICY });
  const id = await requestAsAlice(t);
  const own = `${t.home.dir}/carol-policy.yaml`;
  await Deno.writeTextFile(
    own,
    TWO_APPROVERS_POLICY.replace("approvers: [bob, dave]", "approvers: [carol]"),
  );

  const approved = await t.as("carol", ["approve", id, "--policy", own]);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    `carol (not an approver in the policy prod is issued under) approved with her own policy ` +
      `file (approve exit ${approved.code}: ${approved.stdout}${approved.stderr}) and alice got credentials`,
  );
  assertEquals(issued.code, 5, issued.stderr);
});

Deno.test("a role session alice named bob (RoleSessionName) is not bob: she never approves her own request with it", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TWO_APPROVERS_POLICY });
  const id = await requestAsAlice(t);
  // Any role alice may assume will do: she picks the session name.
  const assumed = await aws([
    "sts",
    "assume-role",
    "--role-arn",
    "arn:aws:iam::123456789012:role/CiReadOnly",
    "--role-session-name",
    "bob",
  ], { ...t.home.env, AWS_PROFILE: "alice" });
  assertEquals(assumed.code, 0, assumed.stderr);
  const c = JSON.parse(assumed.stdout).Credentials;
  const asFakeBob = {
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
  };
  const approved = await t.run(["approve", id, "--output", "json"], asFakeBob);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    `alice approved her own request as the role session "bob" (approve exit ${approved.code}: ` +
      `${approved.stdout}${approved.stderr}) and got credentials`,
  );
});

/** Break-glass into prod awaits review by carol. */
const REVIEW_POLICY = `version: "1"
rules:
  - { name: prod-closed, effect: deny, conditions: { profiles: [prod] }, reason: closed }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    max_duration: 1h
    require_review: true
    reviewers: [carol]
`;

Deno.test("a reviewer is judged by the policy the event was invoked under: no --policy, no SENTINEL_POLICY of their own makes dave a reviewer or lifts require_review", async () => {
  await using t = await startTeam({ store: "sqlite", policy: REVIEW_POLICY });
  const invoke = () =>
    t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "INC-1",
      "--output",
      "json",
    ]);
  const first = await invoke();
  assertEquals(first.code, 0, first.stderr);
  const id = JSON.parse(first.stdout).id;
  // There is no --policy to pick a more permissive policy with: reviewers are judged by the
  // policy the event was invoked under.
  const own = `${t.home.dir}/dave-policy.yaml`;
  await Deno.writeTextFile(own, REVIEW_POLICY.replace("reviewers: [carol]", "reviewers: [dave]"));
  const withOwn = await t.as("dave", [
    "breakglass",
    "review",
    id,
    "--notes",
    "fine",
    "--policy",
    own,
  ]);
  assertEquals(withOwn.code, 2, withOwn.stderr);
  assertIncludes(withOwn.stderr, "unknown option '--policy'");
  const viaEnv = await t.run([
    "breakglass",
    "review",
    id,
    "--notes",
    "fine",
    "--aws-profile",
    "dave",
  ], {
    SENTINEL_POLICY: own,
  });
  assertEquals(viaEnv.code, 4, `dave reviewed the event: ${viaEnv.stdout}${viaEnv.stderr}`);
  assertIncludes(viaEnv.stderr, "dave");
  const second = await invoke();
  assertTrue(second.code === 4, `require_review was lifted by a stranger: ${second.stdout}`);
});

/**
 * The broker's record routes over in-memory fakes (the world of routes_test.ts): requests,
 * verdicts and break-glass made as the caller the proof names, judged by the policy at the
 * broker, written to the broker's store. The slow twin with two real brokers on one DynamoDB
 * table in moto, IAM checks on, is test/broker_fleet_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertTrue } from "../../../test/assert.ts";
import type { ApprovalRequest } from "../../core/approval/request.ts";
import type { BreakglassEvent } from "../../core/breakglass/event.ts";
import { BROKER, world } from "./routes_test.ts";

const POLICY = `version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [alice, bob, carol]
    max_duration: 2h
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
`;

const ALICE_ELSEWHERE = "arn:aws:iam::999999999999:user/alice";

/** A broker over the team, running as dave, with the approval policy. */
function broker() {
  return world({}, "arn:aws:iam::123456789012:user/dave", POLICY);
}

type Reply = { status: number; body: unknown };
const code = (reply: Reply) => (reply.body as { code?: string }).code;
const message = (reply: Reply) => (reply.body as { message?: string }).message ?? "";

Deno.test("through the broker: alice's request is hers by proof, bob approves it, alice's own approval is refused, and her credentials then issue", async () => {
  const { team, routes, call } = await broker();
  const refused = await routes.answer(call("/v1/credentials", { profile: "prod" }, "alice"));
  assertEquals([refused.status, code(refused)], [403, "approval_required"]);

  const created = await routes.answer(
    call("/v1/requests/create", { profile: "prod", reason: "deploy 1.2.3" }, "alice"),
  );
  assertEquals(created.status, 200, JSON.stringify(created.body));
  const answer = created.body as { kind: string; request: ApprovalRequest; store: string };
  assertEquals(answer.kind, "created");
  assertEquals(answer.request.requester, "alice");
  assertEquals(answer.request.requesterArn, "arn:aws:iam::123456789012:user/alice");
  const id = answer.request.id;
  assertEquals((await team.store().approvals.get(id))?.status, "pending", "in the broker's store");

  const own = await routes.answer(
    call("/v1/requests/decide", { id, action: "approve" }, "alice"),
  );
  assertEquals([own.status, code(own)], [403, "not_an_approver"]);
  assertIncludes(message(own), "alice asked for this access and cannot approve it");

  const approved = await routes.answer(
    call("/v1/requests/decide", { id, action: "approve", comment: "ok" }, "bob"),
  );
  assertEquals(approved.status, 200, JSON.stringify(approved.body));
  const decided = approved.body as { record: ApprovalRequest; actor: string };
  assertEquals([decided.actor, decided.record.status], ["bob", "approved"]);
  assertEquals(decided.record.decidedByArn, "arn:aws:iam::123456789012:user/bob");

  const issued = await routes.answer(call("/v1/credentials", { profile: "prod" }, "alice"));
  assertEquals(issued.status, 200, JSON.stringify(issued.body));
  const log = team.logRecords().map((record) => `${record.outcome ?? record.event} ${record.user}`);
  assertTrue(log.some((line) => line.startsWith("issued alice")), log.join("\n"));
});

Deno.test("through the broker: a caller of another account named alice is not alice: lists nothing, sees nothing of hers, and a rule naming no users admits it to nothing", async () => {
  const { routes, call } = await broker();
  const mine = await routes.answer(
    call("/v1/requests/create", { profile: "prod", reason: "x" }, "alice"),
  );
  const id = (mine.body as { request: ApprovalRequest }).request.id;
  const list = await routes.answer(call("/v1/requests/list", {}, ALICE_ELSEWHERE));
  assertEquals([list.status, code(list)], [403, "denied"]);
  assertIncludes(message(list), "only identities of the broker's accounts (123456789012: its own");
  const unseen = `there is no request ${id} that ${ALICE_ELSEWHERE} made or may act on`;
  const show = await routes.answer(call("/v1/requests/show", { id }, ALICE_ELSEWHERE));
  assertEquals([show.status, code(show)], [404, "not_found"]);
  assertIncludes(message(show), unseen);
  for (const action of ["cancel", "approve"]) {
    const acted = await routes.answer(
      call("/v1/requests/decide", { id, action }, ALICE_ELSEWHERE),
    );
    assertEquals([acted.status, message(acted)], [404, `${unseen} at this broker`]);
  }
  const none = await routes.answer(
    call("/v1/requests/decide", { id: "00000000000000aa", action: "cancel" }, ALICE_ELSEWHERE),
  );
  assertEquals(none.status, 404, "an id that does not exist answers the same");

  const theirs = await routes.answer(
    call("/v1/requests/create", { profile: "prod", reason: "y" }, ALICE_ELSEWHERE),
  );
  assertEquals(
    [theirs.status, code(theirs)],
    [403, "denied"],
    "a rule naming no users is not theirs",
  );
  assertEquals(
    message(theirs),
    `the policy at this broker gives ${ALICE_ELSEWHERE} nothing on prod`,
  );
  const glass = await routes.answer(call("/v1/breakglass/invoke", {
    profile: "prod",
    reason_code: "incident",
    justification: "x",
  }, ALICE_ELSEWHERE));
  assertEquals(
    message(glass),
    `the policy at this broker gives ${ALICE_ELSEWHERE} nothing on prod`,
  );
  assertTrue(!JSON.stringify(glass.body).includes("SentinelProd"), "no role of the broker's");
  const unknown = await routes.answer(
    call("/v1/requests/create", { profile: "nope", reason: "x" }, ALICE_ELSEWHERE),
  );
  assertEquals([unknown.status, code(unknown)], [404, "unknown_profile"]);
  const listed = await routes.answer(call("/v1/requests/list", { status: "pending" }, "bob"));
  assertEquals((listed.body as { items: unknown[] }).items.length, 1);
});

Deno.test("through the broker: break-glass is invoked, closed and reviewed as the proven callers; a second invocation is refused", async () => {
  const { team, routes, call } = await broker();
  const body = { profile: "prod", reason_code: "incident", justification: "INC-7" };
  const invoked = await routes.answer(call("/v1/breakglass/invoke", body, "alice"));
  assertEquals(invoked.status, 200, JSON.stringify(invoked.body));
  const event = (invoked.body as { record: BreakglassEvent }).record;
  assertEquals([event.invoker, event.invokerArn], [
    "alice",
    "arn:aws:iam::123456789012:user/alice",
  ]);
  const again = await routes.answer(call("/v1/breakglass/invoke", body, "alice"));
  assertEquals([again.status, code(again)], [403, "breakglass_already_open"]);
  assertIncludes(message(again), `--server ${BROKER}`);
  assertTrue(!message(again).includes("--aws-profile dave"), "never the broker's own profile");

  const bobInvokes = await routes.answer(call("/v1/breakglass/invoke", body, "bob"));
  assertEquals(bobInvokes.status, 403);
  const issued = await routes.answer(call("/v1/credentials", { profile: "prod" }, "alice"));
  assertEquals(issued.status, 200, JSON.stringify(issued.body));

  const closeByDave = await routes.answer(
    call("/v1/breakglass/act", { id: event.id, action: "close", text: "done" }, "dave"),
  );
  assertEquals(closeByDave.status, 403, "neither the invoker nor an approver (though the broker)");
  const closed = await routes.answer(
    call("/v1/breakglass/act", { id: event.id, action: "close", text: "done" }, "alice"),
  );
  assertEquals(closed.status, 200, JSON.stringify(closed.body));
  const review = await routes.answer(
    call("/v1/breakglass/act", { id: event.id, action: "review", text: "fine" }, "bob"),
  );
  assertEquals(review.status, 200, JSON.stringify(review.body));
  assertEquals((await team.store().breakglass.get(event.id))?.reviewedBy, "bob");
});

Deno.test("record calls are read strictly before any STS call: unknown fields, a name to act as, bad ids and actions", async () => {
  const { sts, routes, call } = await broker();
  const before = sts.sent;
  for (
    const [path, body] of [
      ["/v1/requests/create", { profile: "prod", reason: "x", requester: "bob" }],
      ["/v1/requests/create", { profile: "prod" }],
      ["/v1/requests/decide", { id: "0a1b", action: "approve", as: "bob" }],
      ["/v1/requests/decide", { id: "0a1b", action: "delete" }],
      ["/v1/requests/decide", { id: "0a1b", action: "deny" }],
      ["/v1/requests/show", { id: "../../etc/passwd" }],
      ["/v1/requests/list", { limit: 100000 }],
      ["/v1/breakglass/invoke", { profile: "prod", reason_code: "fun", justification: "x" }],
      ["/v1/breakglass/act", { id: "0a1b", action: "close" }],
      ["/v1/requests/sweep", { everything: true }],
    ] as const
  ) {
    const reply = await routes.answer(call(path, body));
    assertEquals([reply.status, code(reply)], [400, "usage"], `${path} ${JSON.stringify(body)}`);
  }
  assertEquals(sts.sent, before, "no STS call for a bad body");
});

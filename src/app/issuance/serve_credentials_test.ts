/**
 * The serving state of `exec --server` with a fake issuance and clock: sessions served until the
 * refresh window, one issuance per refresh however many requests arrive, a deny that ends serving
 * for good, and a transient failure that is retried.
 */
import { assertEquals, assertRejects } from "../../../test/assert.ts";
import { SentinelError } from "../../core/errors.ts";
import type { IssueResult } from "./issue.ts";
import { credentialServing } from "./serve_credentials.ts";

const T0 = Date.parse("2026-03-02T09:00:00Z");

function session(n: number, expiration: number): IssueResult {
  return {
    credentials: {
      accessKeyId: `ASIA${n}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `token-${n}`,
      expiration,
    },
    region: "us-east-1",
    sessionDurationSeconds: 3600,
    subject: {
      user: "alice",
      identityArn: "arn:aws:iam::123456789012:user/alice",
      profile: "prod",
      roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
      mode: "cli",
      policySource: "/etc/sentinel/policy.yaml",
      policyHash: "h",
      decisionId: `r${n}`,
    },
    sourceIdentity: `sentinel=alice=r${n}`,
    issuedAt: expiration - 3_600_000,
    cacheHit: false,
  };
}

function setup(
  issue: () => Promise<IssueResult>,
  revoked?: (held: IssueResult) => Promise<boolean>,
) {
  let now = T0;
  const told: { ended: string[]; failed: string[] } = { ended: [], failed: [] };
  const serving = credentialServing(session(1, T0 + 3_600_000), {
    issue,
    now: () => now,
    refreshWindowSeconds: 300,
    ended: (e) => told.ended.push(e.code),
    failed: (e) => told.failed.push(e.code),
    ...(revoked === undefined ? {} : { revoked }),
  });
  return { serving, told, at: (ms: number) => now = T0 + ms };
}

Deno.test("the first session is served until its refresh window, with the window's start as Expiration", async () => {
  let issued = 0;
  const { serving, at } = setup(() => Promise.resolve(session(++issued + 1, T0 + 7_200_000)));
  at(3_300_000 - 2_000); // the least lease before the window opens
  const answer = await serving.answer();
  assertEquals(answer, {
    ok: true,
    credentials: session(1, T0 + 3_600_000).credentials,
    expiresAt: T0 + 3_300_000,
  });
  assertEquals([issued, serving.refreshes], [0, 0]);
});

Deno.test("inside the window the policy is asked again once, however many requests arrive", async () => {
  let issued = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const { serving, at } = setup(async () => {
    issued++;
    await gate;
    return session(2, T0 + 7_200_000);
  });
  at(3_300_000);
  const answers = [serving.answer(), serving.answer(), serving.answer()];
  release();
  for (const answer of await Promise.all(answers)) {
    assertEquals(answer.ok && answer.credentials.accessKeyId, "ASIA2");
    assertEquals(answer.ok && answer.expiresAt, T0 + 6_900_000);
  }
  assertEquals([issued, serving.refreshes], [1, 1]);
  // The new session is outside its window: served without asking again.
  at(3_400_000);
  assertEquals((await serving.answer()).ok, true);
  assertEquals(issued, 1);
});

Deno.test("a deny at a refresh ends serving: 403 from then on, told once, never issued again", async () => {
  let issued = 0;
  const { serving, told, at } = setup(() => {
    issued++;
    return Promise.reject(new SentinelError("denied", "denied by rule no-mallory"));
  });
  at(3_500_000);
  for (let i = 0; i < 3; i++) {
    const answer = await serving.answer();
    assertEquals(answer.ok, false);
    if (!answer.ok) {
      assertEquals([answer.status, answer.code], [403, "denied"]);
      assertEquals(
        answer.message,
        "denied by rule no-mallory; this credential endpoint serves no more credentials",
      );
    }
  }
  assertEquals([issued, told.ended, serving.endedBy?.exitCode], [1, ["denied"], 4]);
  // Even a request that would otherwise be served from a fresh session is refused.
  at(0);
  assertEquals((await serving.answer()).ok, false);
});

Deno.test("approval required at a refresh ends serving too", async () => {
  const { serving, at } = setup(() =>
    Promise.reject(new SentinelError("approval_required", "approval required"))
  );
  at(3_500_000);
  const answer = await serving.answer();
  assertEquals(!answer.ok && [answer.status, answer.code], [403, "approval_required"]);
});

Deno.test("an AWS failure at a refresh answers 503 and is tried again at the next request", async () => {
  let issued = 0;
  const { serving, told, at } = setup(() => {
    issued++;
    return issued === 1
      ? Promise.reject(new SentinelError("aws_failure", "STS did not answer within 30s"))
      : Promise.resolve(session(3, T0 + 7_200_000));
  });
  at(3_500_000);
  const failed = await serving.answer();
  assertEquals(!failed.ok && [failed.status, failed.code], [503, "aws_failure"]);
  const served = await serving.answer();
  assertEquals(served.ok && served.credentials.accessKeyId, "ASIA3");
  assertEquals([issued, told.failed, serving.refreshes, serving.endedBy], [
    2,
    ["aws_failure"],
    1,
    undefined,
  ]);
});

Deno.test("a bug in issuance is not turned into an answer", async () => {
  const { serving, at } = setup(() => Promise.reject(new TypeError("boom")));
  at(3_500_000);
  await assertRejects(() => serving.answer(), TypeError);
});

Deno.test("a session too close to its window to be useful is refreshed, not served", async () => {
  let issued = 0;
  const { serving, at } = setup(() => Promise.resolve(session(++issued + 1, T0 + 7_200_000)));
  at(3_300_000 - 1_999);
  const answer = await serving.answer();
  assertEquals(answer.ok && [answer.credentials.accessKeyId, answer.expiresAt], [
    "ASIA2",
    T0 + 6_900_000,
  ]);
  assertEquals(issued, 1);
});

Deno.test("the served Expiration is whole seconds, never after the window's start", async () => {
  let now = T0;
  const serving = credentialServing(session(1, T0 + 3_600_750), {
    issue: () => Promise.reject(new Error("not expected")),
    now: () => now,
    refreshWindowSeconds: 300,
  });
  const answer = await serving.answer();
  assertEquals(answer.ok && answer.expiresAt, T0 + 3_300_000);
  now = T0 + 3_298_001; // 1,999 ms of lease left in whole seconds: refreshed instead
  let threw = false;
  await serving.answer().catch(() => threw = true);
  assertEquals(threw, true);
});

Deno.test("a refreshed session that is itself inside its window answers 503, never an expiring lease", async () => {
  let issued = 0;
  // Each refresh returns a session that ends 301 s after "now": 1 s of lease, under the minimum.
  const { serving, told, at } = setup(() => {
    issued++;
    return Promise.resolve(session(issued + 1, T0 + 3_500_000 + 301_000));
  });
  at(3_500_000);
  const answer = await serving.answer();
  assertEquals(!answer.ok && [answer.status, answer.code], [503, "aws_failure"]);
  assertEquals([issued, told.failed], [1, ["aws_failure"]]);
});

Deno.test("a held session a revocation covers is replaced at the next request, not served; a deny then ends serving", async () => {
  let issued = 0;
  const revokedIds = new Set<string>();
  const { serving } = setup(
    () => {
      issued++;
      if (issued === 2) {
        return Promise.reject(new SentinelError("denied", "the break-glass event was closed"));
      }
      return Promise.resolve(session(issued + 1, T0 + 7_200_000));
    },
    (held) => Promise.resolve(revokedIds.has(held.credentials.accessKeyId)),
  );
  assertEquals((await serving.answer()).ok, true);
  assertEquals(issued, 0, "not revoked: the held session is served");
  revokedIds.add("ASIA1");
  const replaced = await serving.answer();
  assertEquals(replaced.ok && replaced.credentials.accessKeyId, "ASIA2", "replaced, not served");
  revokedIds.add("ASIA2");
  const ended = await serving.answer();
  assertEquals([ended.ok, !ended.ok && ended.status], [false, 403]);
  assertEquals(serving.refreshes, 1);
});

/**
 * Store first, then announce: `sentinel request` pages approvers only about a request the store
 * took.
 *
 * - A request the store cannot take pages nobody: an SQLite path that cannot be opened, a DynamoDB
 *   PutItem refused (throttled, answered by a proxy in front of moto as DynamoDB answers it). The
 *   retry gives the one page of the one request there is.
 * - A required notifier that fails leaves the stored request withdrawn (cancelled by `sentinel`,
 *   logged, and said so to the notifiers that did hear of it), so it can never be approved.
 * - An absurdly long reason or justification is a usage error; nothing is stored or paged.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "../assert.ts";
import { faultyProxy, throttled } from "../harness/faulty_proxy.ts";
import { startTeam, TEAM_POLICY } from "../harness/team.ts";
import { HOOK_SECRET, webhookPlugin, webhookReceiver } from "../harness/webhook.ts";

/** A webhook plugin `name` that tries once, sending to `/<name>` on the receiver at `port`. */
function hook(name: string, port: number, required: boolean): string {
  return webhookPlugin({ name, port, path: `/${name}`, required, timeout: "5s", maxAttempts: 1 });
}

/** The events a receiver got, as (type, request id, webhook-id). */
function pages(received: { body: string; headers: Headers }[]) {
  return received.map((r) => {
    const event = JSON.parse(r.body);
    return { type: event.type as string, id: event.data.id as string, hookId: event.id as string };
  });
}

Deno.test("a request DynamoDB refused (throttled) pages nobody, and the retry pages once", async () => {
  const chat = webhookReceiver(HOOK_SECRET, [200]);
  try {
    await using t = await startTeam({
      store: "dynamodb",
      policy: TEAM_POLICY,
      sentinelConfig: `plugins:\n${hook("chat", chat.port, false)}`,
      env: { HOOK_SECRET },
    });
    await using proxy = faultyProxy(
      t.moto.endpoint,
      (call) => call.target === "DynamoDB_20120810.PutItem",
      throttled,
    );
    const viaProxy = { AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint };
    const refused = await t.run(["request", "prod", "--reason", "deploy"], viaProxy);
    assertEquals(refused.code, 6, refused.stderr);
    assertTrue(proxy.failed >= 1, "the proxy never refused a PutItem");
    assertEquals(pages(chat.received), [], "approvers were paged about a request never stored");

    proxy.failing = false;
    const retried = await t.run(
      ["request", "prod", "--reason", "deploy", "--output", "json"],
      viaProxy,
    );
    assertEquals(retried.code, 0, retried.stderr);
    const id = JSON.parse(retried.stdout).id;
    const stored = await t.run(["requests", "--output", "json"], { AWS_PROFILE: "bob" });
    assertEquals(stored.code, 0, stored.stderr);
    assertEquals(JSON.parse(stored.stdout).requests.map((r: { id: string }) => r.id), [id]);
    assertEquals(pages(chat.received).map((p) => [p.type, p.id]), [["approval_requested", id]]);
  } finally {
    await chat.server.shutdown();
  }
});

Deno.test("a request the store cannot take (an SQLite path that cannot be opened) pages nobody", async () => {
  const chat = webhookReceiver(HOOK_SECRET, [200]);
  try {
    await using t = await startTeam({ store: "sqlite", policy: TEAM_POLICY, env: { HOOK_SECRET } });
    // The store path names a directory: SQLite cannot open it.
    await Deno.writeTextFile(
      `${t.home.dir}/sentinel.yaml`,
      `store: sqlite:${t.home.dir}\nplugins:\n${
        webhookPlugin({ name: "hook", port: chat.port, required: false, timeout: "2s" })
      }`,
    );
    const run = await t.run(["request", "prod", "--reason", "deploy"]);
    assertEquals(run.code, 3, run.stderr);
    const types = chat.received.map((r) => JSON.parse(r.body).type);
    assertEquals(types, [], "approvers were told to approve a request that was never stored");
  } finally {
    await chat.server.shutdown();
  }
});

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`a required notifier that fails leaves no request that can ever be approved (${store})`, async () => {
    const pager = webhookReceiver(HOOK_SECRET, [500]);
    const chat = webhookReceiver(HOOK_SECRET, [200]);
    try {
      await using t = await startTeam({
        store,
        policy: TEAM_POLICY,
        sentinelConfig: `plugins:\n${hook("pager", pager.port, true)}${
          hook("chat", chat.port, false)
        }`,
        env: { HOOK_SECRET },
      });
      const run = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
      assertEquals(run.code, 7, run.stderr);
      assertEquals(run.stdout, "");
      const error = JSON.parse(run.stderr.split("\n").filter((l) => l.startsWith("{")).at(-1)!);
      assertEquals(error.error, "announce_failed");
      assertMatch(error.message, /request [0-9a-f]{16}, so it was withdrawn/);
      const id = /request ([0-9a-f]{16})/.exec(error.message)![1];

      const shown = await t.run(["requests", "show", id, "--output", "json"], {
        AWS_PROFILE: "bob",
      });
      assertEquals(shown.code, 0, shown.stderr);
      const request = JSON.parse(shown.stdout);
      assertEquals([request.status, request.decided_by], ["cancelled", "sentinel"]);
      assertIncludes(request.comment, "the required notifier pager could not announce it");

      const approve = await t.as("bob", ["approve", id]);
      assertEquals(approve.code, 12, approve.stderr);
      assertIncludes(approve.stderr, "already cancelled by sentinel");
      const credentials = await t.run(["credentials", "prod", "--no-cache"]);
      assertEquals([credentials.code, credentials.stdout], [5, ""], credentials.stderr);

      // One request, one page: the pager tried once, chat heard of it once and of its withdrawal.
      assertEquals(pages(pager.received).filter((p) => p.type === "approval_requested").length, 1);
      const approvalPages = pages(chat.received).filter((p) => p.type.startsWith("approval_"));
      assertEquals(approvalPages.map((p) => [p.type, p.id]), [
        ["approval_requested", id],
        ["approval_cancelled", id],
      ]);
      const log = (await t.home.readLog()).filter((r) => r.approval_request_id === id);
      assertEquals(log.map((r) => [r.from, r.to, r.actor]), [
        [null, "pending", "alice"],
        ["pending", "cancelled", "sentinel"],
      ]);
    } finally {
      await pager.server.shutdown();
      await chat.server.shutdown();
    }
  });
}

Deno.test("an absurdly long reason or justification is a usage error; nothing is stored or paged", async () => {
  const chat = webhookReceiver(HOOK_SECRET, [200]);
  try {
    await using t = await startTeam({
      store: "sqlite",
      policy: TEAM_POLICY,
      sentinelConfig: `plugins:\n${hook("chat", chat.port, false)}`,
      env: { HOOK_SECRET },
    });
    const long = "x".repeat(2_001);
    const request = await t.run(["request", "prod", "--reason", long]);
    assertEquals(request.code, 2, request.stderr);
    assertIncludes(request.stderr, "--reason is 2001 characters long; keep it to 2000");
    const breakglass = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      long,
    ]);
    assertEquals(breakglass.code, 2, breakglass.stderr);
    assertIncludes(breakglass.stderr, "--justification is 2001 characters long");
    assertEquals(pages(chat.received), []);
    const db = t.store.slice("sqlite:".length);
    assertEquals(await Deno.stat(db).then(() => true, () => false), false, "a store was created");
    // 2,000 characters is still a reason.
    const fits = await t.run(["request", "prod", "--reason", long.slice(1)]);
    assertEquals(fits.code, 0, fits.stderr);
  } finally {
    await chat.server.shutdown();
  }
});

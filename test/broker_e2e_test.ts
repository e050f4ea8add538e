/**
 * Broker mode end to end on real peers (DESIGN §15): moto with IAM checks on, role SentinelProd
 * trusting only the broker's principal, a real `sentinel serve` process, the real AWS CLI with
 * `credential_process = sentinel credentials prod` and `sentinel_server` set.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { BROKER_USER, brokerWorld, PROD_ROLE } from "./harness/broker.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { testCertificates } from "./harness/tls.ts";

Deno.test("broker mode binds the role: alice cannot assume it herself, gets it through the broker stamped sentinel=alice=…; bob is refused (exit 4, nothing on stdout)", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice");

  // With `*` in her own IAM policy, alice still cannot assume the role: it trusts only the broker.
  const direct = await aws(
    [
      "sts",
      "assume-role",
      "--role-arn",
      PROD_ROLE,
      "--role-session-name",
      "alice",
      "--profile",
      "base",
    ],
    alice.env,
  );
  assertTrue(direct.code !== 0, "alice's own AssumeRole must fail");
  assertIncludes(direct.stderr, "AccessDenied");

  const through = await aws(
    ["sts", "get-caller-identity", "--profile", "prod", "--output", "json"],
    alice.env,
  );
  assertEquals(through.code, 0, through.stderr);
  assertMatch(JSON.parse(through.stdout).Arn, /:assumed-role\/SentinelProd\/alice$/);
  // moto records alice's refused attempt too; the broker's call is the one with a SourceIdentity.
  const assumedCalls = () =>
    world.moto.assumeRoleCalls().then((calls) =>
      calls.filter((call) => call.has("SourceIdentity"))
    );
  const [assumed] = await assumedCalls();
  assertMatch(assumed.get("SourceIdentity") ?? "", /^sentinel=alice=[0-9a-f]{16}$/);

  // The broker decided and logged it, naming itself and the caller; the client logged nothing.
  const [record] = await world.brokerHome.readLog();
  assertEquals([record.outcome, record.user, record.profile], ["issued", "alice", "prod"]);
  assertEquals(record.identity_arn, "arn:aws:iam::123456789012:user/alice");
  assertEquals(record.broker_id, world.broker.url);
  const aliceUser = await aws(["iam", "get-user", "--user-name", "alice"], world.adminEnv);
  assertEquals(record.caller_user_id, JSON.parse(aliceUser.stdout).User.UserId);
  assertEquals(record.source_identity, assumed.get("SourceIdentity"));
  assertEquals(await alice.readLog(), []);

  // The warm cache keeps working: a second call is served without the broker.
  const callsBefore = world.broker.accessLog().length;
  const again = await aws(["sts", "get-caller-identity", "--profile", "prod"], alice.env);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(world.broker.accessLog().length, callsBefore, "served from the client's cache");

  const bob = await world.client("bob");
  const refused = await runSentinel(["credentials", "prod"], { env: bob.env });
  assertEquals(refused.code, 4, refused.stderr);
  assertEquals(refused.stdout, "");
  assertIncludes(refused.stderr, "denied: prod for bob by no rule matched (default deny)");
  assertEquals((await assumedCalls()).length, 1, "nothing assumed for bob");
  const denial = (await world.brokerHome.readLog()).at(-1)!;
  assertEquals([denial.outcome, denial.user], ["denied", "bob"]);
});

Deno.test("whoami shows the caller as the broker proves them; health needs no proof; the access log holds no secret", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice");
  const who = await runSentinel(["whoami", "--profile", "prod", "--output", "json"], {
    env: alice.env,
  });
  assertEquals(who.code, 0, who.stderr);
  const answer = JSON.parse(who.stdout);
  assertEquals(answer.arn, "arn:aws:iam::123456789012:user/alice");
  assertEquals(answer.broker, world.broker.url);
  const aliceUser = await aws(["iam", "get-user", "--user-name", "alice"], world.adminEnv);
  assertEquals(answer.user_id, JSON.parse(aliceUser.stdout).User.UserId);

  const health = await (await fetch(`${world.broker.url}/v1/health`)).json();
  assertEquals([health.ok, health.broker_id], [true, world.broker.url]);
  const issued = await runSentinel(["credentials", "prod"], { env: alice.env });
  assertEquals(issued.code, 0, issued.stderr);
  const secret = JSON.parse(issued.stdout).SecretAccessKey;
  const calls = world.broker.accessLog().filter((line) => line.path !== "/v1/health")
    .map((line) => `${line.method} ${line.path} ${line.status}`);
  assertEquals(calls, ["POST /v1/whoami 200", "POST /v1/credentials 200"]);
  assertTrue(
    !JSON.stringify(world.broker.accessLog()).includes(secret),
    "no secret in the access log",
  );
  assertIncludes(world.broker.stderr(), `user/${BROKER_USER}`);
});

Deno.test("doctor checks the broker: reachable under its id, the transport, the clock, the caller as the broker sees them; a stopped broker is a failed check with a fix", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice");
  const doctor = await runSentinel(["doctor", "prod", "--output", "json"], { env: alice.env });
  const report = JSON.parse(doctor.stdout);
  const byName = Object.fromEntries(
    report.checks.filter((c: { profile?: string }) => c.profile === "prod")
      .map((c: { check: string; ok: boolean; detail: string }) => [c.check, c]),
  );
  for (const check of ["config", "broker transport", "broker", "broker clock", "broker caller"]) {
    assertEquals(byName[check]?.ok, true, `${check}: ${JSON.stringify(byName[check])}`);
  }
  assertIncludes(byName["broker caller"].detail, "arn:aws:iam::123456789012:user/alice");
  assertIncludes(byName["broker transport"].detail, "plain HTTP to a loopback address");

  await world.broker.stop();
  const down = await runSentinel(["doctor", "prod", "--output", "json"], { env: alice.env });
  assertEquals(down.code, 11, down.stderr);
  const broker = JSON.parse(down.stdout).checks.find((c: { check: string }) =>
    c.check === "broker"
  );
  assertEquals(broker.ok, false);
  assertIncludes(broker.detail, `cannot reach the broker ${world.broker.url}`);
  assertIncludes(broker.fix, "--broker-id");
});

Deno.test("TLS: a broker serving its own certificate is reached with server_ca; without the authority the client refuses and says to set server_ca; plain HTTP beyond loopback is refused on both sides", async () => {
  await using world = await brokerWorld();
  await using certificates = await testCertificates();
  const tls = await world.startBroker([], {}, certificates);
  const alice = await world.client("alice", tls.url);
  const untrusted = await runSentinel(["credentials", "prod"], { env: alice.env });
  assertEquals(untrusted.code, 6, untrusted.stderr);
  assertEquals(untrusted.stdout, "");
  assertIncludes(untrusted.stderr, `cannot reach the broker ${tls.url}`);
  assertIncludes(untrusted.stderr, "server_ca");

  const trusted = await runSentinel(["credentials", "prod"], {
    env: { ...alice.env, SENTINEL_SERVER_CA: certificates.caFile },
  });
  assertEquals(trusted.code, 0, trusted.stderr);
  assertEquals(JSON.parse(trusted.stdout).Version, 1);

  const wide = await runSentinel(["serve", "--listen", "0.0.0.0:0", "--aws-profile", "broker"], {
    env: world.brokerHome.env,
  });
  assertEquals(wide.code, 2, wide.stderr);
  assertIncludes(wide.stderr, "plain HTTP on 0.0.0.0 would carry credentials in clear");
  const cleartext = await runSentinel(["credentials", "prod", "--server", "http://10.0.0.1:8443"], {
    env: alice.env,
  });
  assertEquals(cleartext.code, 3, cleartext.stderr);
  assertIncludes(cleartext.stderr, "http:// only to 127.0.0.1");
});

Deno.test("every proof is unique: identical calls made at once (the same x-amz-date second) are all answered", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice");
  const runs = await Promise.all(
    [1, 2, 3, 4].map(() =>
      runSentinel(["whoami", "--profile", "prod", "--output", "json"], { env: alice.env })
    ),
  );
  assertEquals(runs.map((run) => run.code), [0, 0, 0, 0], runs.map((run) => run.stderr).join("\n"));
  const calls = world.broker.accessLog().filter((line) => line.path === "/v1/whoami");
  assertEquals(calls.map((line) => line.status), [200, 200, 200, 200]);
});

Deno.test("SIGTERM drains: a call in flight when the broker is told to stop still gets its credentials; the broker then exits 0 and takes no new call", async () => {
  await using world = await brokerWorld();
  let arrived!: () => void;
  const assumeArrived = new Promise<void>((resolve) => arrived = resolve);
  // A TCP relay to moto that holds an AssumeRole 1.5 s, so the call is in flight when SIGTERM
  // comes; bytes pass unchanged (moto checks the signatures, which cover the Host).
  const moto = new URL(world.moto.endpoint);
  const relay = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const inbound of relay) {
      (async () => {
        const outbound = await Deno.connect({ hostname: moto.hostname, port: Number(moto.port) });
        const back = outbound.readable.pipeTo(inbound.writable).catch(() => {});
        const writer = outbound.writable.getWriter();
        try {
          for await (const chunk of inbound.readable) {
            if (new TextDecoder().decode(chunk).includes("Action=AssumeRole")) {
              arrived();
              await new Promise((resolve) => setTimeout(resolve, 1500));
            }
            await writer.write(chunk);
          }
          await writer.close();
        } catch { /* a side closed */ }
        await back;
      })();
    }
  })().catch(() => {});
  const slowSts = {
    addr: relay.addr as Deno.NetAddr,
    shutdown: () => Promise.resolve(relay.close()),
  };
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what}: no end in 60 s`)), 60_000)
      ),
    ]);
  try {
    const draining = await world.startBroker([], {
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${slowSts.addr.port}`,
    });
    const alice = await world.client("alice", draining.url);
    const call = runSentinel(["credentials", "prod"], { env: alice.env });
    await within(Promise.race([assumeArrived, call]), "the AssumeRole to arrive");
    const exit = draining.stop();
    const issued = await within(call, "the call in flight");
    assertEquals(issued.code, 0, issued.stderr);
    assertEquals(JSON.parse(issued.stdout).Version, 1);
    assertEquals(await within(exit, "the broker's exit"), 0, draining.stderr());
    const after = await runSentinel(["credentials", "prod", "--no-cache"], { env: alice.env });
    assertEquals(after.code, 6);
    assertIncludes(after.stderr, `cannot reach the broker ${draining.url}`);
  } finally {
    await slowSts.shutdown();
  }
});

Deno.test("a broker decides many calls at once: 8 clients' credentials all issued, the decision log chained", async () => {
  await using world = await brokerWorld();
  const alice = await world.client("alice");
  const runs = await Promise.all(
    Array.from(
      { length: 8 },
      () => runSentinel(["credentials", "prod", "--no-cache"], { env: alice.env }),
    ),
  );
  assertEquals(
    runs.map((run) => run.code),
    Array(8).fill(0),
    runs.map((run) => run.stderr).join("\n"),
  );
  const issued = (await world.brokerHome.readLog()).filter((line) => line.outcome === "issued");
  assertEquals(issued.length, 8);
  const verify = await runSentinel(["audit", "verify"], { env: world.brokerHome.env });
  assertEquals(verify.code, 0, verify.stderr);
});

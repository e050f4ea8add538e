/**
 * `sentinel export` and `sentinel login` end to end against moto: the same policy-gated issuance
 * as `credentials` (logged, cached, refused on deny), each export format used by the real AWS CLI,
 * and the console sign-in URL built against a local stand-in for AWS's federation endpoint
 * (https://signin.aws.amazon.com/federation cannot be reached from tests; the stand-in checks the
 * request the way the endpoint defines it and hands out a fixed token). Secrets never reach stderr.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { networkEnv } from "./harness/network_env.ts";

const ARN = "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice";

Deno.test("export --format env: quoted export lines a shell evaluates, and the AWS CLI uses", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["export", "prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stderr, "");
  const lines = run.stdout.trimEnd().split("\n");
  assertEquals(lines.map((l) => l.slice(0, l.indexOf("="))), [
    "export AWS_ACCESS_KEY_ID",
    "export AWS_SECRET_ACCESS_KEY",
    "export AWS_SESSION_TOKEN",
    "export AWS_CREDENTIAL_EXPIRATION",
    "export AWS_REGION",
    "export AWS_DEFAULT_REGION",
  ]);
  for (const line of lines) assertMatch(line, /^export [A-Z_]+='[^']*'$/);
  const shell = await new Deno.Command("sh", {
    args: ["-c", `${run.stdout}\naws sts get-caller-identity --query Arn --output text`],
    env: {
      ...networkEnv(),
      PATH: Deno.env.get("PATH")!,
      AWS_ENDPOINT_URL: t.moto.endpoint,
      AWS_CONFIG_FILE: "/dev/null",
    },
    clearEnv: true,
  }).output();
  assertEquals(new TextDecoder().decode(shell.stdout).trim(), ARN);
  const [record] = await t.home.readLog();
  assertEquals([record.outcome, record.mode, record.rule], ["issued", "cli", "prod-for-alice"]);
});

Deno.test("export --format ini: a credentials-file section the AWS CLI reads; json with --output json", async () => {
  await using t = await setupScenario("alice");
  const ini = await runSentinel(
    ["export", "prod", "--format", "ini", "--section", "prod-session"],
    {
      env: t.home.env,
    },
  );
  assertEquals(ini.code, 0, ini.stderr);
  assertMatch(ini.stdout, /^\[prod-session\]\naws_access_key_id = ASIA/);
  const file = `${t.home.dir}/exported-credentials`;
  await Deno.writeTextFile(file, ini.stdout);
  const cli = await aws([
    "sts",
    "get-caller-identity",
    "--profile",
    "prod-session",
    "--query",
    "Arn",
    "--output",
    "text",
  ], {
    AWS_SHARED_CREDENTIALS_FILE: file,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_ENDPOINT_URL: t.moto.endpoint,
    AWS_DEFAULT_REGION: "us-east-1",
  });
  assertEquals(cli.stdout.trim(), ARN, cli.stderr);

  const json = await runSentinel(["export", "prod", "--output", "json"], { env: t.home.env });
  assertEquals(json.code, 0, json.stderr);
  const document = JSON.parse(json.stdout);
  assertEquals(Object.keys(document), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  // The second export is the cached session, decided again and logged as a cache hit.
  const records = await t.home.readLog();
  assertEquals(records.map((r) => r.cache_hit), [false, true]);
  assertTrue(ini.stdout.includes(document.AccessKeyId));
});

Deno.test("export refuses as credentials does: nothing on stdout, the reason on stderr, exit 4", async () => {
  await using t = await setupScenario("mallory");
  const run = await runSentinel(["export", "prod", "--format", "json"], { env: t.home.env });
  assertEquals(run.code, 4);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, "mallory is offboarded");
  assertEquals((await t.moto.assumeRoleCalls()).length, 0);
  const section = await runSentinel(["export", "prod", "--format", "ini", "--section", "a]b"], {
    env: t.home.env,
  });
  assertEquals(section.code, 2, "a section nobody can write is refused before deciding");
  assertIncludes(section.stderr, "cannot name a credentials-file section");
});

/** A local stand-in for AWS's federation endpoint, recording what it was sent. */
function standInFederation() {
  const requests: URL[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    requests.push(url);
    if (url.pathname !== "/federation" || url.searchParams.get("Action") !== "getSigninToken") {
      return new Response("unexpected request", { status: 400 });
    }
    const session = JSON.parse(url.searchParams.get("Session") ?? "{}");
    const complete = ["sessionId", "sessionKey", "sessionToken"].every((k) =>
      typeof session[k] === "string" && session[k] !== ""
    );
    return complete
      ? Response.json({ SigninToken: "stand-in-signin-token+/=" })
      : new Response("incomplete session", { status: 400 });
  });
  return { requests, url: `http://127.0.0.1:${server.addr.port}/federation`, server };
}

Deno.test("login: the sign-in URL from a stand-in federation endpoint, for the issued session", async () => {
  await using t = await setupScenario("alice");
  const federation = standInFederation();
  try {
    const env = { ...t.home.env, SENTINEL_FEDERATION_URL: federation.url };
    // The session the console gets is the policy-gated one (here the cached session of export).
    const exported = JSON.parse(
      (await runSentinel(["export", "prod", "--format", "json"], { env })).stdout,
    );
    const run = await runSentinel(["login", "prod"], { env });
    assertEquals(run.code, 0, run.stderr);
    assertEquals(run.stderr, "");
    const url = new URL(run.stdout.trim());
    assertEquals(url.origin + url.pathname, federation.url);
    assertEquals(Object.fromEntries(url.searchParams), {
      Action: "login",
      Issuer: "sentinel",
      Destination: "https://console.aws.amazon.com/console/home?region=us-east-1",
      SigninToken: "stand-in-signin-token+/=",
    });
    assertEquals(federation.requests.length, 1);
    const sent = federation.requests[0];
    assertEquals([...sent.searchParams.keys()], ["Action", "Session"]);
    assertEquals(JSON.parse(sent.searchParams.get("Session")!), {
      sessionId: exported.AccessKeyId,
      sessionKey: exported.SecretAccessKey,
      sessionToken: exported.SessionToken,
    });
    const records = await t.home.readLog();
    assertEquals(records.length, 2);
    assertEquals(records[1].outcome, "issued");

    const json = await runSentinel(
      ["login", "prod", "--output", "json", "--destination", "https://console.aws.amazon.com/s3/"],
      { env },
    );
    assertEquals(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout);
    assertEquals(Object.keys(body), ["profile", "user", "expiration", "url"]);
    assertEquals([body.profile, body.user], ["prod", "alice"]);
    assertEquals(
      new URL(body.url).searchParams.get("Destination"),
      "https://console.aws.amazon.com/s3/",
    );
  } finally {
    await federation.server.shutdown();
  }
});

Deno.test("login --open hands the URL to the browser and prints no secret; a plain-http endpoint is refused before issuing", async () => {
  await using t = await setupScenario("alice");
  const federation = standInFederation();
  try {
    // The browser gets a private page that leads on to the URL (never the URL itself, which
    // other local users could read on its command line): it reads the page.
    const opened = `${t.home.dir}/opened.html`;
    const browser = `${t.home.dir}/browser.sh`;
    await Deno.writeTextFile(
      browser,
      `#!/bin/sh\ncat "$(printf '%s' "$1" | sed 's|^file://||')" > '${opened}'\n`,
      { mode: 0o755 },
    );
    const env = { ...t.home.env, SENTINEL_FEDERATION_URL: federation.url, BROWSER: browser };
    const run = await runSentinel(["login", "prod", "--open"], { env });
    assertEquals(run.code, 0, run.stderr);
    assertEquals(run.stdout, "");
    assertMatch(run.stderr, /^opened the AWS console for prod as alice \(session until \d{4}-/);
    const page = await Deno.readTextFile(opened);
    const url = new URL(JSON.parse(/location\.replace\(("[^"]*")\)/.exec(page)![1]));
    assertEquals(url.searchParams.get("SigninToken"), "stand-in-signin-token+/=");
    assertTrue(!run.stderr.includes("stand-in-signin-token"), "the sign-in token reached stderr");

    const plain = await runSentinel(["login", "prod"], {
      env: { ...t.home.env, SENTINEL_FEDERATION_URL: "http://signin.example.com/federation" },
    });
    assertEquals(plain.code, 3);
    assertIncludes(plain.stderr, "SENTINEL_FEDERATION_URL must use https");
    assertEquals(
      (await t.moto.assumeRoleCalls()).length,
      1,
      "nothing issued for the refused endpoint",
    );
  } finally {
    await federation.server.shutdown();
  }
});

Deno.test("login is refused by the policy like any issuance, and the federation endpoint is never called", async () => {
  await using t = await setupScenario("mallory");
  const federation = standInFederation();
  try {
    const run = await runSentinel(["login", "prod"], {
      env: { ...t.home.env, SENTINEL_FEDERATION_URL: federation.url },
    });
    assertEquals(run.code, 4);
    assertEquals(run.stdout, "");
    assertEquals(federation.requests.length, 0);
  } finally {
    await federation.server.shutdown();
  }
});

Deno.test("login without a reachable federation endpoint says the cause: DNS or refused, not (TypeError)", async () => {
  await using t = await setupScenario("alice");
  const refusedPort = (() => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close(); // nothing listens there now: the connection is refused
    return port;
  })();
  const refused = await runSentinel(["login", "prod"], {
    env: {
      ...t.home.env,
      SENTINEL_FEDERATION_URL: `http://127.0.0.1:${refusedPort}/federation`,
    },
  });
  assertEquals(refused.code, 6);
  assertIncludes(
    refused.stderr,
    `could not be reached: 127.0.0.1:${refusedPort} refused the connection; check the network`,
  );
  const dns = await runSentinel(["login", "prod"], {
    env: { ...t.home.env, SENTINEL_FEDERATION_URL: "https://signin.invalid/federation" },
  });
  assertEquals(dns.code, 6);
  assertIncludes(dns.stderr, "could not be reached: cannot resolve signin.invalid (DNS");
  assertEquals(dns.stderr.includes("TypeError"), false, dns.stderr);
});

/**
 * `sentinel exec` with real child processes: the scrubbed environment, exit codes, signal
 * forwarding and the nesting guard.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { POLICY, setupScenario } from "./harness/scenario.ts";
import { runSentinel, spawnSentinel } from "./harness/sentinel.ts";

Deno.test("exec gives the child the session, scrubs other AWS variables and passes its exit code", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel([
    "exec",
    "prod",
    "--",
    "sh",
    "-c",
    'echo "key=$AWS_ACCESS_KEY_ID profile=${AWS_PROFILE:-none} region=$AWS_REGION exp=$AWS_CREDENTIAL_EXPIRATION marker=$SENTINEL_EXEC_PROFILE"; aws sts get-caller-identity --query Arn --output text; exit 7',
  ], {
    env: {
      ...t.home.env,
      AWS_PROFILE: "something-else",
      AWS_ACCESS_KEY_ID: "AKIAOUTSIDE",
      AWS_SECRET_ACCESS_KEY: "outside-secret",
    },
  });
  assertEquals(run.code, 7, run.stderr);
  assertMatch(
    run.stdout,
    /^key=[A-Z0-9]{16,} profile=none region=us-east-1 exp=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ marker=prod\n/,
  );
  assertIncludes(run.stdout, "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice");
  const [record] = await t.home.readLog();
  assertEquals(record.mode, "cli");
});

Deno.test("exec forwards SIGTERM to the child and exits with the child's code", async () => {
  await using t = await setupScenario("alice");
  const child = spawnSentinel([
    "exec",
    "prod",
    "--",
    "sh",
    "-c",
    'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done',
  ], { env: t.home.env });
  // Fail, never hang: if forwarding breaks, the orphaned shell would keep stdout open forever.
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 30_000);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGTERM");
  const status = await child.status;
  clearTimeout(guard);
  const rest = await Promise.race([
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += value;
      }
    })(),
    new Promise((resolve) => setTimeout(resolve, 5_000)),
  ]);
  void rest;
  await reader.cancel().catch(() => {});
  await child.stderr.cancel();
  assertIncludes(seen, "got-term");
  assertEquals(status.code, 42);
});

Deno.test("exec refuses to nest, rejects bad durations, and reports a missing command as 127", async () => {
  await using t = await setupScenario("alice");
  const nested = await runSentinel(["exec", "prod", "--", "true"], {
    env: { ...t.home.env, SENTINEL_EXEC_PROFILE: "prod" },
  });
  assertEquals(nested.code, 2);
  assertIncludes(nested.stderr, "already inside `sentinel exec prod`");
  const duration = await runSentinel(["exec", "prod", "--duration", "5m", "--", "true"], {
    env: t.home.env,
  });
  assertEquals(duration.code, 2);
  assertIncludes(duration.stderr, "--duration");
  const missing = await runSentinel(["exec", "prod", "--", "no-such-command-xyz"], {
    env: t.home.env,
  });
  assertEquals(missing.code, 127);
  assertIncludes(missing.stderr, "command not found: no-such-command-xyz");
});

Deno.test("exec --duration is capped by the rule's max_duration", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["exec", "prod", "--duration", "2h", "--", "true"], {
    env: t.home.env,
  });
  assertEquals(run.code, 0, run.stderr);
  const [record] = await t.home.readLog();
  assertEquals(record.session_duration_seconds, 3600);
});

Deno.test("exec without a command runs $SHELL, says in one line with which profile until when, and names the profile for a prompt", async () => {
  await using t = await setupScenario("alice");
  // env(1) stands in for a shell: it prints the environment the shell would get.
  const run = await runSentinel(["exec", "prod"], {
    env: { ...t.home.env, SHELL: "/usr/bin/env", TZ: "UTC" },
  });
  assertEquals(run.code, 0, run.stderr);
  assertMatch(run.stderr, /^subshell with prod until \d\d:\d\d UTC; exit to leave\n$/);
  assertIncludes(run.stdout, "SENTINEL_EXEC_PROFILE=prod\n");
  assertIncludes(run.stdout, "AWS_SESSION_TOKEN=");
});

/** A running `sentinel exec` whose child's output can be awaited line by line. */
function startExec(env: Record<string, string>, script: string) {
  const child = spawnSentinel(["exec", "prod", "--", "sh", "-c", script], { env });
  // Fail, never hang: a signal that is not forwarded would leave the child running forever.
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 60_000);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  return {
    child,
    get seen() {
      return seen;
    },
    /** Reads until `text` appears; false when the output ends or 20 s pass first. */
    async waitFor(text: string): Promise<boolean> {
      const deadline = Date.now() + 20_000;
      while (!seen.includes(text)) {
        const timeout = new Promise<"timeout">((resolve) =>
          setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()))
        );
        const next = await Promise.race([reader.read(), timeout]);
        if (next === "timeout" || next.done) return false;
        seen += next.value;
      }
      return true;
    },
    async finish() {
      const status = await child.status;
      clearTimeout(guard);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      const stderr = await new Response(child.stderr).text();
      return { status, stdout: seen, stderr };
    },
  };
}

Deno.test("attack: exec forwards QUIT, USR1, USR2, WINCH, HUP, ALRM and INT to the child, not only TERM", async () => {
  await using t = await setupScenario("alice");
  const signals = ["QUIT", "USR1", "USR2", "WINCH", "HUP", "ALRM", "INT"] as const;
  const traps = signals.map((s) => `trap 'echo got-${s}' ${s};`).join(" ");
  const run = startExec(
    t.home.env,
    // The loop ends by itself after 30 s, so a shell orphaned by a Sentinel that died cannot
    // keep the pipe open forever.
    `${traps} trap 'echo got-TERM; exit 42' TERM; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
  );
  assertTrue(await run.waitFor("ready"), run.seen);
  for (const signal of signals) {
    // One at a time: Sentinel must survive each and pass it on.
    run.child.kill(`SIG${signal}`);
    assertTrue(await run.waitFor(`got-${signal}`), `SIG${signal} was not forwarded: ${run.seen}`);
  }
  run.child.kill("SIGTERM");
  const { status, stdout } = await run.finish();
  assertIncludes(stdout, "got-TERM");
  assertEquals(status.code, 42);
});

Deno.test("attack: a child killed by a signal makes exec exit 128+n, as shells do", async () => {
  await using t = await setupScenario("alice");
  const cases: [string, number][] = [
    ["SEGV", 139],
    ["ABRT", 134],
    ["PIPE", 141],
    ["KILL", 137],
    ["BUS", 135],
    ["USR1", 138],
    ["ALRM", 142],
    ["SYS", 159],
  ];
  for (const [signal, code] of cases) {
    const run = await runSentinel(["exec", "prod", "--", "sh", "-c", `kill -${signal} $$`], {
      env: t.home.env,
    });
    assertEquals(run.code, code, `SIG${signal}: ${run.stderr}`);
  }
});

Deno.test("attack: the child inherits no stale expiry and no secret Sentinel or aws-vault consumed", async () => {
  await using t = await setupScenario("alice");
  await Deno.writeTextFile(
    t.home.env.SENTINEL_CONFIG,
    `plugins:
  - name: security-webhook
    plugin: webhook
    allow_net: [hooks.example.com]
    settings: { url: "https://hooks.example.com/sentinel", secret_env: SENTINEL_WEBHOOK_SECRET }
  - name: pager
    plugin: webhook
    allow_net: [pager.example.com]
    settings: { url: "https://pager.example.com/hook", secret_env: PAGER_SIGNING_KEY }
`,
  );
  const leaked = {
    AWS_SESSION_EXPIRATION: "2020-01-01T00:00:00Z",
    AWS_CREDENTIAL_EXPIRATION: "2020-01-01T00:00:00Z",
    AWS_VAULT_FILE_PASSPHRASE: "vault-passphrase-value",
    AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN: "op-token-value",
    AWS_VAULT_OP_CONNECT_TOKEN: "op-connect-value",
    AWS_ACCESS_KEY: "AKIALEGACYNAME",
    AWS_SECRET_KEY: "legacy-secret-value",
    AWS_BEARER_TOKEN_BEDROCK: "bedrock-token-value",
    SENTINEL_WEBHOOK_SECRET: "webhook-secret-value",
    SENTINEL_API_TOKEN: "sentinel-token-value",
    PAGER_SIGNING_KEY: "pager-secret-value",
  };
  const run = await runSentinel(["exec", "prod", "--", "env"], {
    env: { ...t.home.env, ...leaked, KEEP_ME: "kept" },
  });
  assertEquals(run.code, 0, run.stderr);
  for (const [name, value] of Object.entries(leaked)) {
    assertTrue(!run.stdout.includes(value), `${name}'s value reached the child`);
  }
  for (const name of Object.keys(leaked)) {
    if (name === "AWS_CREDENTIAL_EXPIRATION") continue;
    assertTrue(!run.stdout.includes(`\n${name}=`), `${name} reached the child`);
  }
  assertMatch(run.stdout, /\nAWS_CREDENTIAL_EXPIRATION=20\d\d-/);
  assertIncludes(run.stdout, "\nKEEP_ME=kept\n");
});

Deno.test("attack: a non-executable file or a directory as the command exits 126 with the reason", async () => {
  await using t = await setupScenario("alice");
  const script = `${t.home.dir}/not-executable.sh`;
  await Deno.writeTextFile(script, "#!/bin/sh\necho ran\n", { mode: 0o644 });
  const denied = await runSentinel(["exec", "prod", "--", script], { env: t.home.env });
  assertEquals(denied.code, 126, denied.stderr);
  assertEquals(denied.stdout, "");
  assertIncludes(denied.stderr, `sentinel: ${script}: permission denied (not executable)`);
  assertTrue(!denied.stderr.includes("internal error"), denied.stderr);
  const directory = await runSentinel(["exec", "prod", "--", t.home.dir], { env: t.home.env });
  assertEquals(directory.code, 126, directory.stderr);
  assertIncludes(directory.stderr, `sentinel: ${t.home.dir}: is a directory`);
  assertTrue(!directory.stderr.includes("internal error"), directory.stderr);
});

Deno.test("exec takes the original Sentinel's spelling: --profile and --policy-parameter (= ssm:)", async () => {
  await using t = await setupScenario("alice");
  const put = await aws(
    [
      "ssm",
      "put-parameter",
      "--name",
      "/sentinel/policies/prod",
      "--type",
      "String",
      "--value",
      POLICY,
    ],
    { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" },
  );
  assertEquals(put.code, 0, put.stderr);
  const run = await runSentinel([
    "exec",
    "--profile",
    "prod",
    "--policy-parameter",
    "/sentinel/policies/prod",
    "--",
    "sh",
    "-c",
    'echo "marker=$SENTINEL_EXEC_PROFILE"; aws sts get-caller-identity --query Arn --output text',
  ], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertIncludes(run.stdout, "marker=prod\n");
  assertIncludes(run.stdout, "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice");
  const [record] = await t.home.readLog();
  assertEquals(record.policy_source, "ssm:/sentinel/policies/prod");
  assertTrue(
    (await t.moto.recordedRequests()).some((r) =>
      r.headers["X-Amz-Target"] === "AmazonSSM.GetParameter" &&
      r.body.includes("/sentinel/policies/prod")
    ),
  );
  const both = await runSentinel(
    ["exec", "--profile", "prod", "--policy", "p.yaml", "--policy-parameter", "/x", "--", "true"],
    { env: t.home.env },
  );
  assertEquals(both.code, 2);
  assertIncludes(both.stderr, "either --policy or --policy-parameter");
  const none = await runSentinel(["exec"], { env: t.home.env });
  assertEquals(none.code, 2);
  assertIncludes(none.stderr, "name the profile");
});

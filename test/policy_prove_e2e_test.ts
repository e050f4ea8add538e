/**
 * `sentinel policy diff OLD NEW --prove` and `policy push`'s refusal of a widening, as a person and
 * a CI job run them: real processes, the `sentinel check` commands the proof prints run by bash
 * as printed (their exit codes confirm each region's decisions under both policies), and the
 * push against SSM and STS in moto, with `sentinel log` showing who accepted a widening.
 */
import { assertEquals, assertIncludes } from "./assert.ts";
import { createIamUser } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { runProgram } from "./harness/run.ts";
import { runSentinel, sentinelCommand } from "./harness/sentinel.ts";

const OLD = `version: "1"
rules:
  - name: weekend-block
    effect: deny
    conditions: { profiles: [prod], time: { days: [saturday, sunday], timezone: Europe/Berlin } }
  - name: sre
    effect: allow
    conditions: { users: ["*@sre.example.com"], profiles: [prod, "staging-*"] }
    max_duration: 1h
  - name: prod-asks
    effect: require_approval
    conditions: { profiles: [prod] }
`;

/** Nights of the weekend opened to SRE; alice gets dev in the CLI; approval no longer for prod-eu. */
const NEW = `version: "1"
rules:
  - name: weekend-block
    effect: deny
    conditions:
      profiles: [prod]
      time: { days: [saturday, sunday], hours: { start: "06:00", end: "24:00" }, timezone: Europe/Berlin }
  - name: sre
    effect: allow
    conditions: { users: ["*@sre.example.com"], profiles: [prod, "staging-*"] }
    max_duration: 1h
  - name: alice-dev
    effect: allow
    conditions: { users: [alice@example.com], profiles: [dev], mode: [cli] }
  - name: prod-asks
    effect: require_approval
    conditions: { profiles: [prod] }
`;

/** What `sentinel check` exits with for each effect. */
const CHECK_EXIT = { allow: 0, deny: 4, require_approval: 5 } as const;

interface ProofAnswer {
  opens_access: boolean;
  regions: {
    kind: string;
    line: string;
    was: { effect: keyof typeof CHECK_EXIT; rule?: string };
    now: { effect: keyof typeof CHECK_EXIT; rule?: string };
    check_old: string;
    check_new: string;
  }[];
  not_proven: unknown[];
}

async function files(texts: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const [name, text] of Object.entries(texts)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

/** A `sentinel` on PATH that runs this checkout, as an installed binary would be. */
async function sentinelOnPath(dir: string): Promise<string> {
  const bin = `${dir}/bin`;
  await Deno.mkdir(bin);
  const words = sentinelCommand().map((word) => `'${word}'`).join(" ");
  await Deno.writeTextFile(`${bin}/sentinel`, `#!/bin/sh\nexec ${words} "$@"\n`, { mode: 0o755 });
  return bin;
}

Deno.test("diff --prove names what the change opens and takes, each region's printed check command confirms it under both policies, and the exit code says whether it opens access", async () => {
  const dir = await files({ "old.yaml": OLD, "new.yaml": NEW });
  const text = await runSentinel(["policy", "diff", "old.yaml", "new.yaml", "--prove"], {
    cwd: dir,
  });
  assertEquals(text.code, 1, text.stderr);
  assertIncludes(text.stdout, "the new policy opens access the old one did not give (3 regions):");
  assertIncludes(
    text.stdout,
    "+ users matching *@sre.example.com on prod, Sat, Sun 00:00–06:00 Europe/Berlin\n" +
      "    deny (rule weekend-block) → allow (rule sre, at most 1h)\n",
  );
  assertIncludes(text.stdout, "+ alice@example.com on dev in mode cli, at any time\n");
  // Everyone else on prod asked for approval at those hours instead of being denied.
  assertIncludes(
    text.stdout,
    "+ any user but users matching *@sre.example.com on prod, Sat, Sun 00:00–06:00 Europe/Berlin\n" +
      "    deny (rule weekend-block) → require_approval (rule prod-asks)\n",
  );
  assertIncludes(
    text.stdout,
    "result: the new policy OPENS ACCESS the old one did not give (exit 1)",
  );

  const json = await runSentinel(
    ["policy", "diff", "old.yaml", "new.yaml", "--prove", "--output", "json"],
    { cwd: dir },
  );
  assertEquals(json.code, 1, json.stderr);
  const answer = JSON.parse(json.stdout) as ProofAnswer;
  assertEquals(answer.opens_access, true);
  assertEquals(answer.regions.map((region) => region.kind), ["widens", "widens", "widens"]);
  const bin = await sentinelOnPath(dir);
  for (const region of answer.regions) {
    for (
      const [command, decision] of [
        [region.check_old, region.was],
        [region.check_new, region.now],
      ] as const
    ) {
      const run = await runProgram("bash", ["-c", command], {
        cwd: dir,
        env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
      });
      assertEquals(run.code, CHECK_EXIT[decision.effect], `${command}\n${run.stdout}${run.stderr}`);
      assertIncludes(run.stdout, decision.rule ?? "no rule matched");
    }
  }

  const back = await runSentinel(["policy", "diff", "new.yaml", "old.yaml", "--prove"], {
    cwd: dir,
  });
  assertEquals(back.code, 0, back.stderr);
  assertIncludes(back.stdout, "the new policy takes access away (3 regions):");
  assertIncludes(back.stdout, "result: no new access (exit 0)");
  const same = await runSentinel(["policy", "diff", "old.yaml", "old.yaml", "--prove"], {
    cwd: dir,
  });
  assertEquals(same.code, 0, same.stderr);
  assertIncludes(same.stdout, "no request is decided differently");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("diff --prove refusals: a bad --horizon and --horizon without --prove are usage errors (2), an invalid policy is 3 with its errors", async () => {
  const dir = await files({ "old.yaml": OLD, "bad.yaml": 'version: "1"\nrules: []\n' });
  const horizon = await runSentinel(
    ["policy", "diff", "old.yaml", "old.yaml", "--prove", "--horizon", "5y"],
    { cwd: dir },
  );
  assertEquals(horizon.code, 2);
  assertIncludes(horizon.stderr, '--horizon "5y" is not a span from 1d to 3660d');
  const alone = await runSentinel(["policy", "diff", "old.yaml", "old.yaml", "--horizon", "30d"], {
    cwd: dir,
  });
  assertEquals(alone.code, 2);
  assertIncludes(alone.stderr, "--horizon and --all go with --prove");
  const invalid = await runSentinel(["policy", "diff", "old.yaml", "bad.yaml", "--prove"], {
    cwd: dir,
  });
  assertEquals(invalid.code, 3);
  assertIncludes(invalid.stderr, "must contain at least one rule");
  const short = await runSentinel(
    ["policy", "diff", "old.yaml", "old.yaml", "--prove", "--horizon", "30d", "-o", "json"],
    { cwd: dir },
  );
  assertEquals(short.code, 0, short.stderr);
  const span = JSON.parse(short.stdout) as { from: string; to: string };
  assertEquals((Date.parse(span.to) - Date.parse(span.from)) / 86_400_000, 30);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("policy push against SSM refuses a change that opens access (10, the parameter unchanged) until --accept-widening, which the decision log records with who accepted", async () => {
  await using moto = await startMoto();
  const dir = await files({
    "old.yaml": OLD,
    "new.yaml": NEW,
    "narrower.yaml": OLD.replace(
      '["*@sre.example.com"]',
      '["*@sre.example.com"], time: { hours: { start: "06:00", end: "22:00" }, timezone: UTC }',
    ),
  });
  const security = await createIamUser(moto, "security-admin");
  const env = {
    ...moto.clientEnv(),
    AWS_ACCESS_KEY_ID: security.accessKeyId,
    AWS_SECRET_ACCESS_KEY: security.secretAccessKey,
    AWS_CONFIG_FILE: "/dev/null",
    HOME: dir,
  };
  const push = (file: string, ...extra: string[]) =>
    runSentinel(["policy", "push", "ssm:/sentinel/policy", file, ...extra], { env, cwd: dir });
  const first = await push("old.yaml");
  assertEquals(first.code, 0, first.stderr);
  assertIncludes(first.stdout, "no policy was in SSM before: nothing to compare");

  const refused = await push("new.yaml");
  assertEquals(refused.code, 10, refused.stderr);
  assertIncludes(
    refused.stderr,
    "+ users matching *@sre.example.com on prod, Sat, Sun 00:00–06:00 Europe/Berlin",
  );
  assertIncludes(refused.stderr, "nothing was pushed");
  assertIncludes(refused.stderr, "sentinel policy diff ssm:/sentinel/policy new.yaml --prove");
  const kept = await runSentinel(["policy", "pull", "ssm:/sentinel/policy"], { env });
  assertEquals(kept.stdout, OLD, "the parameter still holds the old policy");

  const accepted = await push("new.yaml", "--accept-widening");
  assertEquals(accepted.code, 0, accepted.stderr);
  assertIncludes(accepted.stdout, "version 2");
  assertIncludes(accepted.stdout, "proven over 400 days: the change opens access (accepted by ");
  const log = await runSentinel(["log", "--type", "policy_change", "--output", "json"], { env });
  assertEquals(log.code, 0, log.stderr);
  const records = log.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assertEquals(records.length, 1, log.stdout);
  assertEquals([records[0].action, records[0].parameter], [
    "widening_accepted",
    "ssm:/sentinel/policy",
  ]);
  assertEquals([records[0].actor, records[0].actor_arn], [
    "security-admin",
    "arn:aws:iam::123456789012:user/security-admin",
  ]);
  assertIncludes(JSON.stringify(records[0].opens), "alice@example.com on dev in mode cli");

  const narrower = await push("narrower.yaml");
  assertEquals(narrower.code, 0, narrower.stderr);
  assertIncludes(narrower.stdout, "proven over 400 days: no new access; access taken away in");
  await Deno.remove(dir, { recursive: true });
});

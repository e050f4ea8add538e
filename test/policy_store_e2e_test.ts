/**
 * `policy push | pull | diff` against SSM in moto, `enforce`, and `audit verify` on a tampered log.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws, createAwsHome, createIamUser } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { runSentinel } from "./harness/sentinel.ts";

Deno.test("policy push validates, pull reads back, diff exits 10 on change", async () => {
  await using moto = await startMoto();
  const env = { ...moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const dir = await Deno.makeTempDir();
  const broken = `${dir}/broken.yaml`;
  await Deno.writeTextFile(broken, 'version: "1"\nrules: []\n');
  const refused = await runSentinel(["policy", "push", "ssm:/sentinel/policy", broken], { env });
  assertEquals(refused.code, 3);
  assertIncludes(refused.stderr, "must contain at least one rule");

  const pushed = await runSentinel(
    ["policy", "push", "ssm:/sentinel/policy", "examples/policy.yaml", "--secure"],
    { env },
  );
  assertEquals(pushed.code, 0, pushed.stderr);
  assertIncludes(
    pushed.stdout,
    "pushed examples/policy.yaml to ssm:/sentinel/policy in us-east-1 (AWS_REGION), version 1",
  );

  const pulled = await runSentinel(["policy", "pull", "ssm:/sentinel/policy"], { env });
  assertEquals(pulled.code, 0, pulled.stderr);
  assertEquals(pulled.stdout, await Deno.readTextFile("examples/policy.yaml"));

  const same = await runSentinel(
    ["policy", "diff", "ssm:/sentinel/policy", "examples/policy.yaml"],
    {
      env,
    },
  );
  assertEquals(same.code, 0, same.stderr);
  const changed = `${dir}/changed.yaml`;
  await Deno.writeTextFile(
    changed,
    (await Deno.readTextFile("examples/policy.yaml")).replace(
      "max_duration: 12h",
      "max_duration: 8h",
    ),
  );
  const diff = await runSentinel(["policy", "diff", "ssm:/sentinel/policy", changed], { env });
  assertEquals(diff.code, 10);
  assertIncludes(diff.stdout, "-    max_duration: 12h\n+    max_duration: 8h");
  // A unified diff: the change with three lines of context under an @@ header, not the whole file.
  assertMatch(
    diff.stdout,
    /^--- ssm:\/sentinel\/policy \(us-east-1\)\n\+\+\+ \S+changed\.yaml\n@@ -\d+,7 \+\d+,7 @@\n/,
  );
  assertEquals(diff.stdout.trimEnd().split("\n").length, 3 + 8, diff.stdout);

  const missing = await runSentinel(["policy", "pull", "ssm:/nope"], { env });
  assertEquals(missing.code, 6);
  assertIncludes(missing.stderr, "ParameterNotFound");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("enforce prints IAM JSON; missing flags are usage errors", async () => {
  const trust = await runSentinel(["enforce", "trust-policy", "--principal", "123456789012"]);
  assertEquals(trust.code, 0, trust.stderr);
  assertEquals(
    JSON.parse(trust.stdout).Statement[0].Condition.StringLike["sts:SourceIdentity"],
    ["sentinel=*=*"],
  );
  const scp = await runSentinel(["enforce", "scp"]);
  assertEquals(scp.code, 2);
  assertIncludes(scp.stderr, "--role");
});

Deno.test("audit verify finds an edited line and a deleted line", async () => {
  const dir = await Deno.makeTempDir();
  const log = `${dir}/decisions.jsonl`;
  const { appendDecision } = await import("../src/adapters/decision_log.ts");
  for (let i = 0; i < 4; i++) await appendDecision(log, { n: i, outcome: "issued" });
  assertEquals((await runSentinel(["audit", "verify", log])).code, 0);
  const lines = (await Deno.readTextFile(log)).split("\n");

  await Deno.writeTextFile(
    log,
    [lines[0], lines[1].replace("issued", "denied"), ...lines.slice(2)].join("\n"),
  );
  const edited = await runSentinel(["audit", "verify", log]);
  assertEquals(edited.code, 9);
  assertIncludes(edited.stdout, "BROKEN at line 3: it does not follow line 2");

  await Deno.writeTextFile(log, [lines[0], lines[2], lines[3], ""].join("\n"));
  const deleted = await runSentinel(["audit", "verify", log, "--output", "json"]);
  assertEquals(deleted.code, 9);
  const result = JSON.parse(deleted.stdout);
  assertEquals([result.intact, result.line, result.lines], [false, 2, 3]);
  assertIncludes(result.problem, "does not follow line 1");
  await Deno.remove(dir, { recursive: true });
});

/** Every module a file loads at run time (type-only imports are erased and never loaded). */
async function runtimeImports(file: string): Promise<string[]> {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", file],
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(stdout));
  const modules = new Map<string, { dependencies?: { code?: { specifier: string } }[] }>(
    graph.modules.map((m: { specifier: string }) => [m.specifier, m]),
  );
  const seen = new Set<string>();
  const queue = [...graph.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (dep.code?.specifier) queue.push(dep.code.specifier);
    }
  }
  return [...seen];
}

Deno.test("the warm credential path loads no npm package and no AWS SDK", async () => {
  // main.ts with everything it imports statically, including the warm path's named dynamic import
  // and the composition root (whose other adapters load through computed specifiers).
  const warm = await runtimeImports("main.ts");
  assertEquals(warm.filter((s) => !s.startsWith("file:")), []);
  assertEquals(warm.some((s) => s.endsWith("/src/app/issuance/warm_credentials.ts")), true);
  assertEquals(warm.some((s) => s.endsWith("/src/adapters/deps.ts")), true);
  // The same walk does see npm packages where they are loaded, so the check above can fail.
  const cold = await runtimeImports("src/core/config/sentinel_config.ts");
  assertEquals(cold.some((s) => s.startsWith("npm:") && s.includes("zod")), true);
});

Deno.test("policy push, pull, diff and validate --profile use that profile's region, say so, and give fixes that differ from the command run", async () => {
  await using moto = await startMoto();
  await using home = await createAwsHome(moto);
  const key = await createIamUser(moto, "security");
  await home.writeConfig("[profile security]\nregion = eu-central-1\n");
  await home.writeCredentials(
    `[security]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
  );
  // No region in the environment: only the profile says where the parameter lives.
  const { AWS_DEFAULT_REGION: _, ...env } = home.env;
  const sentinel = (args: string[]) => runSentinel(args, { env });
  const pushed = await sentinel([
    "policy",
    "push",
    "ssm:/sentinel/policy",
    "examples/policy.yaml",
    "--aws-profile",
    "security",
  ]);
  assertEquals(pushed.code, 0, pushed.stderr);
  assertIncludes(
    pushed.stdout,
    "to ssm:/sentinel/policy in eu-central-1 (region in profile security)",
  );
  // The parameter is in eu-central-1, not in us-east-1, as the AWS CLI sees it.
  const client = { ...moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const inRegion = (region: string) =>
    aws(["ssm", "get-parameter", "--name", "/sentinel/policy", "--region", region], client);
  assertEquals((await inRegion("eu-central-1")).code, 0);
  assertTrue((await inRegion("us-east-1")).code !== 0);

  const pulled = await sentinel([
    "policy",
    "pull",
    "ssm:/sentinel/policy",
    "--aws-profile",
    "security",
  ]);
  assertEquals(pulled.code, 0, pulled.stderr);
  assertEquals(pulled.stdout, await Deno.readTextFile("examples/policy.yaml"));
  const diff = await sentinel([
    "policy",
    "diff",
    "ssm:/sentinel/policy",
    "examples/policy.yaml",
    "--aws-profile",
    "security",
  ]);
  assertEquals(diff.code, 0, diff.stdout + diff.stderr);
  const validate = await sentinel([
    "policy",
    "validate",
    "ssm:/sentinel/policy",
    "--aws-profile",
    "security",
  ]);
  assertEquals(validate.code, 0, validate.stderr);

  // Elsewhere (--region), the parameter is missing: the error names the region and its fix is not
  // the command just run.
  const command = ["policy", "pull", "ssm:/sentinel/policy", "--aws-profile", "security"];
  const missing = await sentinel([...command, "--region", "us-east-1"]);
  assertEquals(missing.code, 6);
  assertIncludes(missing.stderr, "us-east-1");
  assertTrue(
    !missing.stderr.includes(`sentinel ${[...command, "--region", "us-east-1"].join(" ")}`),
    missing.stderr,
  );
});

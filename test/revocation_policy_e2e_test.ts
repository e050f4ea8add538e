/**
 * `sentinel enforce revocation-policy` as an administrator uses it, against moto with the real AWS
 * CLI: print the policy, put it on the role, read it back, merge the next revocation into it, put
 * that — every person revoked stays, the same revocation twice changes nothing, and a file that
 * is not a Sentinel revocation policy is refused (exit 3) without printing anything. What the
 * document denies is evaluated in revocation_simulation_test.ts (moto ignores Conditions).
 */
import { assertEquals, assertIncludes } from "./assert.ts";
import { aws, createAwsHome } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { createRole, MOTO_ACCOUNT } from "./harness/moto_iam.ts";
import { runSentinel } from "./harness/sentinel.ts";

const POLICY = "SentinelRevocations";

Deno.test("revocation-policy: printed, put on the role with the AWS CLI, read back and merged — nobody revoked is lost, the same revocation twice changes nothing", async () => {
  await using moto = await startMoto();
  await using home = await createAwsHome(moto);
  const admin = { ...home.env, AWS_CONFIG_FILE: "/dev/null", ...moto.clientEnv() };
  await createRole(moto, "SentinelProd", {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
      Action: "sts:AssumeRole",
    }],
  });
  const role = ["--role-name", "SentinelProd", "--policy-name", POLICY];
  const current = `${home.dir}/current.json`;
  const next = `${home.dir}/next.json`;

  const revoke = async (args: string[]) => {
    const run = await runSentinel(["enforce", "revocation-policy", ...args], { env: home.env });
    assertEquals(run.code, 0, run.stderr);
    await Deno.writeTextFile(next, run.stdout);
    const put = await aws([
      "iam",
      "put-role-policy",
      ...role,
      "--policy-document",
      `file://${next}`,
    ], admin);
    assertEquals(put.code, 0, put.stderr);
    const got = await aws(["iam", "get-role-policy", ...role, "--query", "PolicyDocument"], admin);
    assertEquals(got.code, 0, got.stderr);
    await Deno.writeTextFile(current, got.stdout);
    return JSON.parse(got.stdout).Statement.flatMap((
      s: { Condition: Record<string, Record<string, string[]>> },
    ) => s.Condition.StringLike["aws:SourceIdentity"]).sort();
  };

  assertEquals(await revoke(["--user", "alice"]), ["sentinel=alice=*"]);
  assertEquals(await revoke(["--user", "bob", "--merge-into", current]), [
    "sentinel=alice=*",
    "sentinel=bob=*",
  ]);
  assertEquals(
    await revoke(["--user", "carol", "--breakglass", "--merge-into", current]),
    ["sentinel=alice=*", "sentinel=bob=*", "sentinel=carol=bg*"],
  );
  const before = await Deno.readTextFile(current);
  const again = await runSentinel(
    ["enforce", "revocation-policy", "--user", "bob", "--merge-into", current],
    { env: home.env },
  );
  assertEquals(again.code, 0, again.stderr);
  const patterns = JSON.parse(again.stdout).Statement.flatMap((
    s: { Condition: Record<string, Record<string, string[]>> },
  ) => s.Condition.StringLike["aws:SourceIdentity"]);
  assertEquals(patterns.filter((p: string) => p === "sentinel=bob=*").length, 1, before);

  await Deno.writeTextFile(
    current,
    JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*" }] }),
  );
  const foreign = await runSentinel(
    ["enforce", "revocation-policy", "--user", "dave", "--merge-into", current],
    { env: home.env },
  );
  assertEquals([foreign.code, foreign.stdout], [3, ""]);
  assertIncludes(foreign.stderr, "is not a revocation policy Sentinel wrote");
});

/**
 * An SSM policy's TTL against a still-valid session: within the TTL nothing is fetched; once it
 * lapses the policy alone is fetched again (one SSM GetParameter, no new AssumeRole, no second
 * GetCallerIdentity) and the cached session is handed out; a changed policy issues afresh.
 * Counted in moto's request recorder.
 */
import { assertEquals } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { type Scenario, setupScenario } from "./harness/scenario.ts";
import { POLICY } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";

const TTL_SECONDS = 3;
const PARAMETER = "/sentinel/policy";

/** What reached moto so far, by call. */
async function calls(t: Scenario) {
  const requests = await t.moto.recordedRequests();
  return {
    assumeRole: requests.filter((r) => r.body.includes("Action=AssumeRole")).length,
    getCallerIdentity: requests.filter((r) => r.body.includes("Action=GetCallerIdentity")).length,
    getParameter:
      requests.filter((r) => r.headers["X-Amz-Target"] === "AmazonSSM.GetParameter").length,
  };
}

async function putPolicy(t: Scenario, text: string): Promise<void> {
  const admin = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const put = await aws(
    [
      "ssm",
      "put-parameter",
      "--name",
      PARAMETER,
      "--type",
      "String",
      "--overwrite",
      "--value",
      text,
    ],
    admin,
  );
  assertEquals(put.code, 0, put.stderr);
}

const lapse = () => new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 500));

Deno.test("policy TTL lapsed, session still valid: only the policy is fetched again", async () => {
  await using t = await setupScenario("alice", `ssm:${PARAMETER}`);
  await putPolicy(t, POLICY);
  const env = { ...t.home.env, SENTINEL_POLICY_TTL: `${TTL_SECONDS}s` };
  const credentials = async () => {
    const run = await runSentinel(["credentials", "prod"], { env });
    assertEquals([run.code, run.stderr], [0, ""]);
    return JSON.parse(run.stdout).AccessKeyId as string;
  };

  const session = await credentials();
  assertEquals(await calls(t), { assumeRole: 1, getCallerIdentity: 1, getParameter: 1 });
  assertEquals(await credentials(), session); // within the TTL: nothing fetched
  assertEquals(await calls(t), { assumeRole: 1, getCallerIdentity: 1, getParameter: 1 });

  await lapse();
  assertEquals(await credentials(), session);
  assertEquals(await calls(t), { assumeRole: 1, getCallerIdentity: 1, getParameter: 2 });
  const refreshed = (await t.home.readLog()).at(-1)!;
  assertEquals([refreshed.outcome, refreshed.cache_hit], ["issued", true]);
  // The refetch renewed the policy's stamp: the next call is warm again.
  assertEquals(await credentials(), session);
  assertEquals(await calls(t), { assumeRole: 1, getCallerIdentity: 1, getParameter: 2 });

  // A changed policy never reuses the session issued under the old one.
  await putPolicy(t, POLICY.replace("max_duration: 1h", "max_duration: 30m"));
  await lapse();
  const changed = await credentials();
  assertEquals(changed === session, false);
  assertEquals(await calls(t), { assumeRole: 2, getCallerIdentity: 1, getParameter: 3 });
  assertEquals((await t.moto.assumeRoleCalls())[1].get("DurationSeconds"), "1800");
});

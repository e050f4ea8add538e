/**
 * `exec --server` serves a session until its refresh window begins, and tells the client that
 * instant as `Expiration`. `refresh_window` is accepted up to 3600 s while sessions can be as short
 * as 900 s, and nothing relates the two: with a window just under the session length, every
 * request finds the session "inside the window" (less than MIN_LEASE_MS of lease left), issues a
 * brand-new session (AssumeRole + a decision line) and hands it out with an `Expiration` that is
 * already (or within a second) past — which the AWS SDKs take as expired and fetch again at once.
 * One client loop becomes an AssumeRole per request, and the decision log grows by a line per call.
 *
 * Expected: a refreshed session that itself has no usable lease is not served as fresh (answer
 * 503, or clamp the window), and a refresh_window that leaves no lease for the session length in
 * use is refused at start (exit 3) with the limit named. src/app/serve_credentials.ts:74 (refresh
 * returns serve() whatever lease() is) and src/core/settings.ts refresh_window (0..3600).
 */
import { assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

const FETCH = `
import json, os, time, urllib.request
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
for i in range(5):
    request = urllib.request.Request(url, headers={"Authorization": token})
    try:
        body = json.load(urllib.request.urlopen(request))
        print("served", body["AccessKeyId"], body["Expiration"], int(time.time()), flush=True)
    except Exception as error:
        print("refused", error, flush=True)
    time.sleep(0.3)
`;

Deno.test("attack: exec --server with a refresh window near the session length: an AssumeRole per request, each served already expiring", async () => {
  await using t = await setupScenario("alice", "file", "sentinel_refresh_window = 898s");
  const script = `${t.home.dir}/fetch.py`;
  await Deno.writeTextFile(script, FETCH);
  const run = await runSentinel(
    ["exec", "--server", "--duration", "15m", "prod", "--", "python3", script],
    { env: t.home.env },
  );
  const served = run.stdout.split("\n").filter((line) => line.startsWith("served "));
  const keys = new Set(served.map((line) => line.split(" ")[1]));
  const leases = served.map((line) => {
    const [, , expiration, now] = line.split(" ");
    return Date.parse(expiration) / 1000 - Number(now);
  });
  const issued = (await t.home.readLog()).filter((r) => r.outcome === "issued").length;
  assertTrue(
    run.code === 3 || (keys.size <= 2 && leases.every((s) => s >= 2)),
    `exit ${run.code}; 5 requests got ${keys.size} different sessions, ${issued} issuances logged, ` +
      `leases (s): ${leases.join(", ")}\n${run.stdout}${run.stderr}`,
  );
});

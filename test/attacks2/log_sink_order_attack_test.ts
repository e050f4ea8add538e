/**
 * A decision record goes to the log sinks first and to the local decision log second
 * (src/app/record_decision.ts recordDecision). When the local append then fails (full disk, a
 * directory or device in its place, permissions), nothing is issued — but the sinks (the central
 * SIEM / CloudWatch copy security reads) already hold `"outcome": "issued"` for a session the
 * user never got, and are never told otherwise. The local log, the sinks and reality disagree.
 *
 * Expected (DESIGN §7, README "fail closed"): what the sinks record matches the outcome: either
 * append locally first and deliver after, or send the sinks the failure (`outcome: denied` with
 * the log failure) when the append fails.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: the local decision log fails: nothing is issued, yet the log sink records outcome issued", async () => {
  await using t = await setupScenario("alice");
  const sink = `${t.home.dir}/sink.jsonl`;
  await Deno.writeTextFile(
    t.home.env.SENTINEL_CONFIG,
    `plugins:
  - name: audit-copy
    plugin: file_sink
    allow_write: ["${sink}"]
    settings: { path: "${sink}" }
`,
  );
  // The local log cannot be written (a directory stands where the file should be).
  await Deno.mkdir(t.home.logFile, { recursive: true });

  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.stdout, "", "nothing may be issued when the decision log cannot be written");
  assertTrue(run.code !== 0);

  const records = (await Deno.readTextFile(sink).catch(() => "")).split("\n")
    .filter((line) => line !== "").map((line) => JSON.parse(line));
  const issued = records.filter((r) => r.outcome === "issued");
  assertEquals(
    issued.length,
    0,
    `the sink says issued for request ${issued[0]?.request_id} (${
      issued[0]?.source_identity
    }), but Sentinel exited ${run.code} and issued nothing`,
  );
});

/**
 * `deno task bench:impact`: `sentinel policy impact` over a decision log of 100,000 lines (issue
 * 22 asks for under 2 s). The log is generated with a valid hash chain (checked with the code
 * `sentinel audit verify` runs), decisions of 200 people on 20 profiles across 30 days, some
 * issued under approvals and break-glass; then it is replayed under a policy that changes who may
 * do what: in process (parse + replay, median of 5), and as a whole `sentinel policy impact`
 * process (the command as a person runs it).
 */
import { chainHash, verifyChain } from "../src/core/audit/chain.ts";
import { parseLogText } from "../src/core/audit/log_query.ts";
import { compilePolicy } from "../src/core/policy/evaluate.ts";
import { replayDecisions } from "../src/core/policy/impact.ts";
import { validatePolicyText } from "../src/core/policy/load.ts";

const LINES = 100_000;
const DAY = 86_400_000;
const START = Date.parse("2026-11-01T00:00:00Z");

const NEW_POLICY = `version: "1"
rules:
  - name: contractors-out
    effect: deny
    conditions: { users: ["user1*"] }
  - name: prod-asks
    effect: require_approval
    conditions: { profiles: ["prod-*"] }
  - name: weekdays
    effect: allow
    conditions:
      profiles: ["*"]
      time: { days: [monday, tuesday, wednesday, thursday, friday], timezone: Europe/Berlin }
`;

function decisionLine(i: number): Record<string, unknown> {
  const grant = i % 50 === 0 ? { approval_request_id: i.toString(16).padStart(16, "0") } : {};
  const breakglass = i % 97 === 0 ? { breakglass_event_id: i.toString(16).padStart(16, "a") } : {};
  return {
    type: "decision",
    time: new Date(START + Math.floor((i * 30 * DAY) / LINES)).toISOString(),
    user: `user${i % 200}`,
    identity_arn: `arn:aws:iam::123456789012:user/user${i % 200}`,
    profile: `${i % 3 === 0 ? "prod" : "dev"}-${i % 20}`,
    role_arn: `arn:aws:iam::123456789012:role/R${i % 20}`,
    mode: i % 7 === 0 ? "server" : "credential_process",
    effect: "allow",
    outcome: "issued",
    rule: "weekdays",
    request_id: i.toString(16).padStart(16, "0"),
    cache_hit: i % 2 === 0,
    ...grant,
    ...breakglass,
  };
}

async function chainedLog(): Promise<string> {
  const lines: string[] = [];
  let previous: string | undefined;
  for (let i = 0; i < LINES; i++) {
    previous = JSON.stringify({ ...decisionLine(i), prev_hash: await chainHash(previous) });
    lines.push(previous);
  }
  return lines.join("\n") + "\n";
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

const text = await chainedLog();
const chain = await verifyChain(text);
if (!chain.ok) throw new Error(`the generated log does not verify: ${chain.problem}`);
const policy = compilePolicy(validatePolicyText(NEW_POLICY, "new.yaml").document);
const times: number[] = [];
let flips = 0;
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  const report = replayDecisions(parseLogText(text).records, policy);
  times.push(performance.now() - started);
  flips = report.flips.length;
}
console.log(
  `${LINES} chained lines (chain verified): parse + replay in ${
    median(times).toFixed(0)
  } ms (median of 5), ${flips} flips`,
);

const dir = await Deno.makeTempDir();
try {
  await Deno.writeTextFile(`${dir}/decisions.jsonl`, text);
  await Deno.writeTextFile(`${dir}/new.yaml`, NEW_POLICY);
  const started = performance.now();
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      `${new URL("../main.ts", import.meta.url).pathname}`,
      "policy",
      "impact",
      "--policy",
      `${dir}/new.yaml`,
      "--log",
      `${dir}/decisions.jsonl`,
      "--output",
      "json",
    ],
    env: { HOME: dir, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (run.code !== 0) throw new Error(new TextDecoder().decode(run.stderr));
  const answer = JSON.parse(new TextDecoder().decode(run.stdout));
  console.log(
    `sentinel policy impact, whole process: ${
      ms.toFixed(0)
    } ms for ${answer.decisions} decisions (${answer.flipped} flips, ${answer.not_replayed.length} not replayed)`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}

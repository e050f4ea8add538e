/**
 * `deno task bench:prove`: how long `policy diff --prove` takes to prove a change exactly over the
 * default horizon (400 days), in process (median of 5): on the example policy with a rule
 * widened, and on the whole-process benchmark's 200- and 2,000-rule policies (windows in six
 * zones, exact and glob profiles) with one person added to one rule.
 */
import { largePolicy } from "./bench_policies.ts";
import { validatePolicyText } from "../src/core/policy/load.ts";
import { provePolicyChange } from "../src/core/policy/prove/prove.ts";

const HORIZON_MS = 400 * 86_400_000;
const FROM = Date.parse("2026-12-07T00:00:00Z");
const ROLE = "arn:aws:iam::123456789012:role/Admin";
const ROUNDS = 5;

const example = await Deno.readTextFile(new URL("../examples/policy.yaml", import.meta.url));
const cases: [string, string, string][] = [
  ["examples/policy.yaml, one rule widened", example, widenFirstUsers(example)],
  ...[200, 2000].map((count): [string, string, string] => {
    const text = largePolicy(count, "prod", "alice", ROLE);
    return [
      `${count} rules, bob added`,
      text,
      text.replace("users: [alice]", "users: [alice, bob]"),
    ];
  }),
];

for (const [name, oldText, newText] of cases) {
  const old = validatePolicyText(oldText, "old").document;
  const next = validatePolicyText(newText, "new").document;
  const times: number[] = [];
  let regions = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    regions = provePolicyChange(old, next, FROM, FROM + HORIZON_MS).regions.length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name}: median ${times[ROUNDS >> 1].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${
      times.at(-1)!.toFixed(0)
    }), ${regions} region(s)`,
  );
}

/** The example with the rule that names alice also naming someone new. */
function widenFirstUsers(text: string): string {
  return text.replace(
    "users: [alice@example.com",
    "users: [newcomer@example.com, alice@example.com",
  );
}

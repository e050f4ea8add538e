/**
 * The proof's pieces on hand-made cases: names cut into atoms, time cut by windows across a
 * daylight-saving change, the regions of typical changes (each example decided as its region says
 * by the production evaluator), their words, and the sections the proof leaves out. The random
 * cases (10,000 pairs, brute force, random requests) are in test/prove_properties_test.ts.
 */
import { assertEquals, assertTrue } from "../../../../test/assert.ts";
import { compilePolicy, evaluate } from "../evaluate.ts";
import { globMatches } from "../glob.ts";
import { parsePolicy } from "../parse.ts";
import type { PolicyDocument } from "../schema.ts";
import { CompiledTimeWindow, ZoneClocks } from "../time/window.ts";
import { nameAtoms } from "./name_atoms.ts";
import { provePolicyChange } from "./prove.ts";
import { sectionChanges } from "./sections.ts";
import { checkCommand, describeRegion } from "./summary.ts";
import { timeClasses } from "./time_classes.ts";

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 11, 7);
const TO = FROM + 400 * DAY;

function policy(rules: string, extra = ""): PolicyDocument {
  const parsed = parsePolicy(`version: "1"\nrules:\n${rules}${extra}`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.policy;
}

function lines(old: PolicyDocument, next: PolicyDocument, zones: string[] = []): string[] {
  const proof = provePolicyChange(old, next, FROM, TO);
  return proof.regions.map((region) => describeRegion(proof, region, zones).line);
}

Deno.test("name atoms: each literal alone, then every combination of globs that some other name has, with its shortest name", () => {
  const atoms = nameAtoms(["ab", "a?", "a*", "ab"]);
  assertEquals(atoms.map((atom) => [atom.witness, atom.literal ?? null, atom.globs]), [
    ["ab", "ab", ["a?", "a*"]],
    ["a", null, ["a*"]],
    ["b", null, []],
    ["aa", null, ["a?", "a*"]],
  ]);
  for (const atom of atoms) {
    for (const glob of ["a?", "a*"]) {
      assertEquals(globMatches(glob, atom.witness), atom.globs.includes(glob), atom.witness);
    }
  }
  // "?" with "a" listed: the class of one-character names other than "a" is not empty.
  assertEquals(nameAtoms(["a", "?"]).map((atom) => atom.witness), ["a", "x", "aa"]);
  // "*" alone leaves one class; "?*" sets the empty name apart.
  assertEquals(nameAtoms(["*"]).map((atom) => atom.witness), ["x"]);
  assertEquals(nameAtoms(["?*"]).map((atom) => [atom.witness, atom.globs]), [["x", ["?*"]], [
    "",
    [],
  ]]);
  // The stand-in character is one no pattern mentions.
  assertEquals(nameAtoms(["x*", "y*", "z"]).at(-1)!.witness, "q");
});

Deno.test("time classes: a Berlin window of 02:00–03:00 has no instant on the day clocks skip that hour, and a UTC window moves against it", () => {
  const clocks = new ZoneClocks();
  const berlin = new CompiledTimeWindow({
    hours: { start: "02:00", end: "03:00" },
    timezone: "Europe/Berlin",
  }, clocks);
  const utc = new CompiledTimeWindow({ hours: { start: "01:00", end: "02:00" } }, clocks);
  const from = Date.UTC(2027, 2, 27);
  const partition = timeClasses([berlin, utc], from, from + 3 * DAY);
  const inside = (i: number) =>
    partition.intervals.filter((t) => partition.classes[t.classIndex].inside[i])
      .map((t) => [new Date(t.start).toISOString(), new Date(t.end).toISOString()]);
  assertEquals(inside(0), [
    ["2027-03-27T01:00:00.000Z", "2027-03-27T02:00:00.000Z"],
    ["2027-03-29T00:00:00.000Z", "2027-03-29T01:00:00.000Z"],
  ]);
  assertEquals(inside(1).length, 3);
  for (const interval of partition.intervals) {
    for (let t = interval.start; t < interval.end; t += 15 * 60_000) {
      assertEquals(
        [berlin.contains(t), utc.contains(t)],
        partition.classes[interval.classIndex].inside,
      );
    }
  }
});

Deno.test("prove: the same decisions in another order or with other names of rules are no difference", () => {
  const rules = `  - { name: a, effect: allow, conditions: { users: [alice], profiles: [dev] } }
  - { name: b, effect: allow, conditions: { users: [bob] } }
`;
  const reordered = `  - { name: b2, effect: allow, conditions: { users: [bob] } }
  - { name: a2, effect: allow, conditions: { users: [alice], profiles: [dev] } }
`;
  const proof = provePolicyChange(policy(rules), policy(reordered), FROM, TO);
  assertEquals([proof.regions.length, proof.widens], [0, false]);
});

Deno.test("prove: a weekend block narrowed to daytime opens the nights of the weekend, in Berlin's time, every week", () => {
  const old = policy(`  - name: weekend-block
    effect: deny
    conditions: { profiles: [prod], time: { days: [saturday, sunday], timezone: Europe/Berlin } }
  - { name: sre, effect: allow, conditions: { users: ["*@sre"], profiles: [prod, "staging-*"] } }
`);
  const next = policy(`  - name: weekend-block
    effect: deny
    conditions:
      profiles: [prod]
      time: { days: [saturday, sunday], hours: { start: "06:00", end: "24:00" }, timezone: Europe/Berlin }
  - { name: sre, effect: allow, conditions: { users: ["*@sre"], profiles: [prod, "staging-*"] } }
`);
  assertEquals(lines(old, next, ["Europe/Berlin"]), [
    "+ users matching *@sre on prod, Sat, Sun 00:00–06:00 Europe/Berlin",
  ]);
  assertEquals(lines(next, old, ["Europe/Berlin"]), [
    "- users matching *@sre on prod, Sat, Sun 00:00–06:00 Europe/Berlin",
  ]);
});

Deno.test("prove: every region's example is decided as the region says by the production evaluator", () => {
  const old = policy(`  - { name: no-mallory, effect: deny, conditions: { users: [mallory] } }
  - { name: ops, effect: allow, conditions: { users: ["ops-*"], roles: ["arn:aws:iam::*:role/Ops*"], mode: [cli] }, max_duration: 1h }
  - { name: office, effect: require_approval, conditions: { time: { days: [monday, tuesday, wednesday, thursday, friday], hours: { start: "09:00", end: "17:00" }, timezone: America/New_York } } }
`);
  const next = policy(
    `  - { name: ops, effect: allow, conditions: { users: ["ops-*", "arn:aws:iam::111122223333:user/*"], roles: ["arn:aws:iam::*:role/Ops*"] }, max_duration: 2h }
  - { name: no-mallory, effect: deny, conditions: { users: [mallory] } }
  - { name: office, effect: require_approval, conditions: { time: { hours: { start: "22:00", end: "06:00" }, timezone: Asia/Tokyo } } }
`,
  );
  const proof = provePolicyChange(old, next, FROM, TO);
  assertTrue(proof.regions.length > 5, `${proof.regions.length} regions`);
  const [before, after] = [compilePolicy(old), compilePolicy(next)];
  for (const region of proof.regions) {
    const was = evaluate(before, region.example);
    const now = evaluate(after, region.example);
    assertEquals([was.effect, was.rule ?? undefined], [region.was.effect, region.was.rule]);
    assertEquals([now.effect, now.rule ?? undefined], [region.now.effect, region.now.rule]);
  }
  assertTrue(proof.widens);
  assertTrue(
    proof.regions.some((region) =>
      region.kind === "widens" && region.example.user.startsWith("arn:aws:iam::111122223333:user/")
    ),
    "the ARN pattern opens ops to that account's users",
  );
});

Deno.test("prove: a longer session under the same rule widens; a deny added only narrows", () => {
  const base =
    `  - { name: devs, effect: allow, conditions: { profiles: [dev] }, max_duration: 1h }\n`;
  const longer = provePolicyChange(
    policy(base),
    policy(base.replace("max_duration: 1h", "max_duration: 4h")),
    FROM,
    TO,
  );
  assertEquals(
    longer.regions.map((r) => [r.kind, r.was.maxDurationSeconds, r.now.maxDurationSeconds]),
    [
      ["widens", 3600, 14400],
    ],
  );
  const denied = provePolicyChange(
    policy(base),
    policy(`  - { name: no-eve, effect: deny, conditions: { users: [eve] } }\n${base}`),
    FROM,
    TO,
  );
  assertEquals([denied.widens, denied.regions.map((r) => r.kind)], [false, ["narrows"]]);
  assertEquals(
    lines(
      policy(base),
      policy(`  - { name: no-eve, effect: deny, conditions: { users: [eve] } }\n${base}`),
    ),
    [
      "- eve on dev, at any time",
    ],
  );
});

Deno.test("prove: modes and roles are named when a region holds only for some", () => {
  const old = policy(`  - { name: none, effect: deny }\n`);
  const next = policy(
    `  - { name: ci, effect: allow, conditions: { users: [ci], mode: [credential_process, server], roles: ["arn:aws:iam::1:role/Deploy"] } }\n`,
  );
  assertEquals(lines(old, next), [
    "+ ci on any profile as arn:aws:iam::1:role/Deploy in mode credential_process, server, at any time",
  ]);
});

Deno.test("check commands pass every value as --flag=value and the profile after --, so names starting with - stay names", () => {
  const old = policy(`  - { name: none, effect: deny }\n`);
  const next = policy(
    `  - { name: odd, effect: allow, conditions: { users: ["-*"], profiles: ["-p"] } }\n`,
  );
  const proof = provePolicyChange(old, next, FROM, TO);
  assertEquals(
    checkCommand(proof.regions[0], "new policy.yaml", "2026-12-07T00:00:00Z"),
    "sentinel check '--policy=new policy.yaml' --user=- --at=2026-12-07T00:00:00Z -- -p",
  );
});

Deno.test("sections: added, changed and moved approvals, break-glass and identity entries may open access, and a removed one unless none is left", () => {
  const rules = `  - { name: all, effect: allow }\n`;
  const old = policy(
    rules,
    `breakglass:\n  - { name: sre, profiles: [prod], users: [alice] }\n  - { name: old, profiles: [prod], users: [bob] }\n`,
  );
  const next = policy(
    rules,
    `breakglass:\n  - { profiles: [prod], name: sre, users: [alice, carol] }\napprovals:\n  - { name: prod, profiles: [prod], approvers: [bob] }\nidentity: { accounts: ["111122223333"] }\n`,
  );
  assertEquals(sectionChanges(old, next).map((c) => [c.section, c.name, c.change, c.mayOpen]), [
    ["approvals", "prod", "added", true],
    ["breakglass", "sre", "changed", true],
    ["breakglass", "old", "removed", true],
    ["identity", "identity", "changed", true],
  ]);
  const two = policy(
    rules,
    `approvals:\n  - { name: strict, profiles: [prod], approvers: [bob], required_approvals: 2 }\n  - { name: loose, profiles: ["*"], approvers: ["*"] }\n`,
  );
  const swapped = policy(
    rules,
    `approvals:\n  - { name: loose, profiles: ["*"], approvers: ["*"] }\n  - { name: strict, profiles: [prod], approvers: [bob], required_approvals: 2 }\n`,
  );
  assertEquals(sectionChanges(two, swapped).map((c) => [c.name, c.change, c.mayOpen]), [
    ["loose", "moved", true],
    ["strict", "moved", true],
  ]);
  assertEquals(sectionChanges(old, policy(rules)).map((c) => [c.name, c.change, c.mayOpen]), [
    ["sre", "removed", false],
    ["old", "removed", false],
  ]);
  assertEquals(sectionChanges(old, old), []);
});

Deno.test("words: a weekly time that a daylight-saving change skips once names the week it skips; one the span's end cuts stays weekly", () => {
  const sydney = policy(
    `  - { name: a, effect: allow, conditions: { time: { days: [tuesday], hours: { start: "09:00", end: "10:00" }, timezone: Australia/Sydney } } }\n`,
  );
  const auckland = policy(
    `  - { name: a, effect: allow, conditions: { time: { days: [tuesday], hours: { start: "12:00", end: "13:00" }, timezone: Pacific/Auckland } } }\n`,
  );
  assertEquals(lines(sydney, auckland, ["Australia/Sydney"]), [
    "+ any user not named by an ARN on any profile, Tue 10:00–11:00 every week from 2026-12-08 to 2028-01-04 but 2027-09-28 Australia/Sydney",
    "- any user not named by an ARN on any profile, Tue 09:00–10:00 every week from 2026-12-08 to 2028-01-11 but 2027-09-28 Australia/Sydney",
  ]);
  const office = (days: string) =>
    policy(
      `  - { name: o, effect: allow, conditions: { users: [u], time: { days: [${days}], hours: { start: "09:00", end: "18:00" }, timezone: Europe/Berlin } } }\n`,
    );
  // The span ends on a Tuesday at 01:00 in Berlin: that Tuesday's 09:00 is past it, not skipped.
  assertEquals(lines(office("monday"), office("monday, tuesday"), ["Europe/Berlin"]), [
    "+ u on any profile, Tue 09:00–18:00 Europe/Berlin",
  ]);
});

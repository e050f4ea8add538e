/**
 * Property test: random and mutated policy documents never make the engine throw. Every input
 * either validates (and then compiles and evaluates) or comes back as validation issues.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { assertTrue } from "../../../test/assert.ts";
import { compilePolicy, evaluate, explain } from "./evaluate.ts";
import { parsePolicy } from "./parse.ts";

const SEED_POLICY = `version: "1"
rules:
  - name: prod-business-hours
    effect: allow
    conditions:
      profiles: [prod, "prod-*"]
      users: ["*@example.com"]
      roles: ["arn:aws:iam::*:role/Admin"]
      time:
        days: [monday, tue, friday]
        hours: { start: "22:00", end: "06:00" }
        timezone: Europe/Berlin
    reason: Production access
    max_duration: 1h
  - name: fallback
    effect: require_approval
approvals:
  - name: a
    profiles: [prod]
    approvers: [bob]
    auto_approve: { users: [carol], max_duration: 30m }
breakglass:
  - name: b
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    quota: { per_user: { max: 2, window: 1d } }
`;

const word = fc.oneof(
  fc.constantFrom(
    "version",
    "rules",
    "name",
    "effect",
    "allow",
    "deny",
    "require_approval",
    "conditions",
    "profiles",
    "users",
    "roles",
    "time",
    "days",
    "hours",
    "start",
    "end",
    "timezone",
    "monday",
    "09:00",
    "24:00",
    "UTC",
    "Europe/Berlin",
    "max_duration",
    "1h",
    "approvals",
    "breakglass",
    "*",
    "?",
  ),
  fc.string({ maxLength: 12 }),
);

/** Values shaped loosely like policy documents, so validation goes deep. */
const policyLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    word,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(word, tie("value"), { maxKeys: 5 }),
  ),
})).value;

const documentLike = fc.record({
  version: fc.oneof(fc.constant("1"), policyLike),
  rules: fc.oneof(
    fc.array(
      fc.record({
        name: fc.oneof(word, policyLike),
        effect: fc.oneof(
          fc.constantFrom("allow", "deny", "require_approval"),
          policyLike,
        ),
        conditions: fc.oneof(
          fc.record({
            profiles: fc.array(word, { maxLength: 3 }),
            users: fc.array(word, { maxLength: 3 }),
            time: fc.record({
              days: fc.array(word, { maxLength: 3 }),
              hours: fc.record({ start: word, end: word }),
              timezone: word,
            }, { requiredKeys: [] }),
          }, { requiredKeys: [] }),
          policyLike,
        ),
      }, { requiredKeys: [] }),
      { maxLength: 4 },
    ),
    policyLike,
  ),
}, { requiredKeys: [] });

/** Character-level mutations of a valid document: the shapes a typo or a bad merge produces. */
const mutatedText = fc.array(
  fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 6 }),
    insert: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(":", "- ", "\n", "  ", "[", "{", "&a", "*a", "!!", '"'),
    ),
  }),
  { minLength: 1, maxLength: 4 },
).map((edits) =>
  edits.reduce((text, edit) => {
    const at = edit.at % (text.length + 1);
    return text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
  }, SEED_POLICY)
);

function checkNeverThrows(text: string): void {
  const result = parsePolicy(text);
  if (!result.ok) {
    assertTrue(
      result.issues.length > 0,
      "an invalid document must carry issues",
    );
    for (const issue of result.issues) {
      assertTrue(
        issue.line >= 1 && issue.column >= 1 && issue.message.length > 0,
      );
    }
    return;
  }
  const policy = compilePolicy(result.policy);
  const request = {
    user: "alice@example.com",
    profile: "prod",
    time: Date.UTC(2026, 2, 29, 1),
  };
  evaluate(policy, request);
  explain(policy, {
    ...request,
    roleArn: "arn:aws:iam::1:role/Admin",
    mode: "cli",
  });
}

Deno.test("10,000 random and mutated policy documents only ever produce validation issues", () => {
  fc.assert(
    fc.property(documentLike, (doc) => checkNeverThrows(stringify(doc))),
    {
      numRuns: 4000,
    },
  );
  fc.assert(fc.property(mutatedText, checkNeverThrows), { numRuns: 4000 });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), checkNeverThrows), {
    numRuns: 2000,
  });
});

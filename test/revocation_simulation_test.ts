/**
 * What a revocation policy (core/revocation/role_policy.ts) does, evaluated by an IAM evaluator:
 * moto ignores `Condition` blocks, so the documents are checked with npm's
 * `@cloud-copilot/iam-simulate` (DESIGN §12). A session of the protected role is allowed
 * everything by the role's own policy; the revocation policy beside it decides.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { assertEquals } from "./assert.ts";
import { decideUnderRevocation } from "./support/revocation_simulation.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";
import {
  mergeRevocation,
  revokedPatterns,
  revokerIamPolicy,
} from "../src/core/revocation/role_policy.ts";

const ACCOUNT = "123456789012";
const CUTOFF = Date.parse("2026-12-07T12:00:00Z");
const MIN = 60_000;

const decide = decideUnderRevocation;

const alice = formatSourceIdentity("alice", "0123456789abcdef");
const aliceBreakglass = formatSourceIdentity("alice", "0123456789abcdef", { breakglass: true });
const bob = formatSourceIdentity("bob", "fedcba9876543210");

Deno.test("revoking alice denies her sessions issued before, not her next one, and not bob's", async () => {
  const { document } = mergeRevocation(undefined, {
    patterns: revokedPatterns("alice"),
    before: CUTOFF,
  }, CUTOFF);
  const role = "SentinelProd";
  const cases: [string, { role: string; stamp: string; issued: number }, string][] = [
    ["alice, issued before", { role, stamp: alice, issued: CUTOFF - 30 * MIN }, "ExplicitlyDenied"],
    [
      "alice, issued a second before",
      { role, stamp: alice, issued: CUTOFF - 1000 },
      "ExplicitlyDenied",
    ],
    [
      "alice's break-glass session",
      { role, stamp: aliceBreakglass, issued: CUTOFF - MIN },
      "ExplicitlyDenied",
    ],
    ["alice, issued after", { role, stamp: alice, issued: CUTOFF + MIN }, "Allowed"],
    ["bob, issued before", { role, stamp: bob, issued: CUTOFF - 30 * MIN }, "Allowed"],
  ];
  for (const [what, session, expected] of cases) {
    assertEquals(await decide(document, session), expected, what);
  }
  // Her old session cannot chain on: assuming another role is denied to it too.
  assertEquals(
    await decide(
      document,
      { role, stamp: alice, issued: CUTOFF - MIN },
      "sts:AssumeRole",
      `arn:aws:iam::${ACCOUNT}:role/Other`,
    ),
    "ExplicitlyDenied",
  );
});

Deno.test("a chained session keeps alice's SourceIdentity: on another protected role it is denied as hers", async () => {
  const { document } = mergeRevocation(undefined, {
    patterns: revokedPatterns("alice"),
    before: CUTOFF,
  }, CUTOFF);
  // Assumed from her SentinelProd session before the revocation, with the stamp carried over.
  const chained = { role: "Deployer", stamp: alice, issued: CUTOFF - 10 * MIN };
  assertEquals(await decide(document, chained), "ExplicitlyDenied");
});

Deno.test("closing alice's break-glass event denies her break-glass sessions only; her ordinary ones stand", async () => {
  const { document } = mergeRevocation(undefined, {
    patterns: revokedPatterns("alice", { breakglass: true }),
    before: CUTOFF,
  }, CUTOFF);
  const role = "SentinelProd";
  assertEquals(
    await decide(document, { role, stamp: aliceBreakglass, issued: CUTOFF - MIN }),
    "ExplicitlyDenied",
  );
  assertEquals(await decide(document, { role, stamp: alice, issued: CUTOFF - MIN }), "Allowed");
});

Deno.test("the revoker's policy writes the revocation policies of the protected roles and nothing else", async () => {
  const revoker = revokerIamPolicy([`arn:aws:iam::${ACCOUNT}:role/SentinelProd`]);
  const as = async (action: string, role: string) => {
    const simulation: Simulation = {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:user/admin`,
        action,
        resource: { resource: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: "revoker", policy: revoker }] as Simulation["identityPolicies"],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  };
  for (const action of ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]) {
    assertEquals(await as(action, "SentinelProd"), "Allowed", action);
    assertEquals(await as(action, "Admin"), "ImplicitlyDenied", `${action} on another role`);
  }
  for (const action of ["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole"]) {
    assertEquals(await as(action, "SentinelProd"), "ImplicitlyDenied", action);
  }
});

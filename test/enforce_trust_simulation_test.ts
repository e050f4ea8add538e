/**
 * The Condition half of the broker-only trust policy, and the analysis of `enforce plan`, checked
 * against an IAM evaluator: moto ignores Condition blocks (but sts:ExternalId), so the documents
 * are evaluated with npm's `@cloud-copilot/iam-simulate`. The broker's sessions get in only with
 * a Sentinel SourceIdentity (for the listed users, with the ExternalId); nobody else gets in
 * whatever SourceIdentity they set. And wherever the evaluator lets a principal besides the
 * broker in, the analysis reports the role open — it never calls closed what IAM would open.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { assertEquals, assertTrue } from "./assert.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";
import { analyseTrustPolicy } from "../src/core/trust_analysis.ts";
import { brokerTrustPolicy, trustPolicy } from "../src/core/trust_policy.ts";

const ACCOUNT = "123456789012";
const BROKER = `arn:aws:iam::${ACCOUNT}:role/SentinelBroker`;
const BROKER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/SentinelBroker/sentinel-alice`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const OTHER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/Other/s`;
const MALLORY = "arn:aws:iam::999999999999:user/mallory";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SentinelProd`;
const STAMP = formatSourceIdentity("alice@example.com", "0123456789abcdef");

/** The role ARN behind a session ARN (what aws:PrincipalArn is), else the ARN itself. */
function principalArn(principal: string): string {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal);
  return session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : principal;
}

/**
 * What IAM decides for `principal` (whose own policy allows everything) calling `action` on the
 * role with `trust` as its trust policy, with `context` (SourceIdentity, ExternalId).
 */
async function decide(
  trust: unknown,
  principal: string,
  action: string,
  context: Record<string, string> = {},
): Promise<string> {
  const simulation: Simulation = {
    request: {
      principal,
      action,
      resource: { resource: ROLE, accountId: ACCOUNT },
      contextVariables: { "aws:PrincipalArn": principalArn(principal), ...context },
    },
    identityPolicies: [{
      name: "everything",
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      },
    }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trust as Simulation["resourcePolicy"],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

Deno.test("the broker's sessions get in only with a Sentinel SourceIdentity", async () => {
  const trust = brokerTrustPolicy({ brokerRole: BROKER });
  for (const action of ["sts:AssumeRole", "sts:SetSourceIdentity"]) {
    assertEquals(
      await decide(trust, BROKER_SESSION, action, { "sts:SourceIdentity": STAMP }),
      "Allowed",
      action,
    );
  }
  assertEquals(
    await decide(trust, BROKER_SESSION, "sts:AssumeRole", { "sts:SourceIdentity": "alice" }),
    "ImplicitlyDenied",
  );
  assertEquals(await decide(trust, BROKER_SESSION, "sts:AssumeRole"), "ImplicitlyDenied");
});

Deno.test("--user and --external-id narrow the broker further", async () => {
  const trust = brokerTrustPolicy({
    brokerRole: BROKER,
    users: ["alice@example.com"],
    externalId: "x-1",
  });
  const bob = formatSourceIdentity("bob@example.com", "0123456789abcdef");
  const cases: [Record<string, string>, string][] = [
    [{ "sts:SourceIdentity": STAMP, "sts:ExternalId": "x-1" }, "Allowed"],
    [{ "sts:SourceIdentity": bob, "sts:ExternalId": "x-1" }, "ImplicitlyDenied"],
    [{ "sts:SourceIdentity": STAMP }, "ImplicitlyDenied"],
    [{ "sts:SourceIdentity": STAMP, "sts:ExternalId": "x-2" }, "ImplicitlyDenied"],
  ];
  for (const [context, expected] of cases) {
    assertEquals(
      await decide(trust, BROKER_SESSION, "sts:AssumeRole", context),
      expected,
      JSON.stringify(context),
    );
  }
});

Deno.test("nobody else gets in, whatever SourceIdentity they set", async () => {
  const trust = brokerTrustPolicy({ brokerRole: BROKER });
  for (const principal of [ALICE, OTHER_SESSION, MALLORY]) {
    assertEquals(
      await decide(trust, principal, "sts:AssumeRole", { "sts:SourceIdentity": STAMP }),
      "ImplicitlyDenied",
      principal,
    );
  }
});

Deno.test("the local-mode policy lets alice in with a stamp she set herself: plan calls it open", async () => {
  const trust = trustPolicy({ principals: [ACCOUNT] });
  assertEquals(
    await decide(trust, ALICE, "sts:AssumeRole", { "sts:SourceIdentity": STAMP }),
    "Allowed",
  );
  assertEquals(analyseTrustPolicy(trust, BROKER).ok, false);
});

/** Trust policies of every kind the analysis reads, closed and open. */
const DOCUMENTS: Record<string, unknown> = {
  "broker only": brokerTrustPolicy({ brokerRole: BROKER }),
  "the account, with a stamp": trustPolicy({ principals: [ACCOUNT] }),
  "the account and a Deny for every ARN but the broker's": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: ACCOUNT },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      },
      {
        Effect: "Deny",
        Principal: "*",
        Action: "sts:AssumeRole",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": BROKER } },
      },
    ],
  },
  "the account, allowed only for the broker's ARN": {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { ArnEquals: { "aws:PrincipalArn": BROKER } },
    }],
  },
  "everyone, with a Deny for alice": {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: "*", Action: "sts:*" },
      { Effect: "Deny", Principal: { AWS: ALICE }, Action: "sts:AssumeRole" },
    ],
  },
  "alice and the broker, glob actions": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: [ALICE, BROKER] }, Action: "sts:Assume*" }],
  },
  "NotAction": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: MALLORY }, NotAction: "sts:TagSession" }],
  },
};

Deno.test("where IAM lets anyone but the broker in, the analysis says open", async () => {
  for (const [name, trust] of Object.entries(DOCUMENTS)) {
    const analysis = analyseTrustPolicy(trust, BROKER);
    const admitted: string[] = [];
    for (const principal of [ALICE, OTHER_SESSION, MALLORY]) {
      const decision = await decide(trust, principal, "sts:AssumeRole", {
        "sts:SourceIdentity": STAMP,
      });
      if (decision === "Allowed") admitted.push(principal);
    }
    assertTrue(
      admitted.length === 0 || !analysis.ok,
      `${name}: IAM admits ${admitted.join(", ")}, the analysis says closed`,
    );
    // The closed ones are closed for the evaluator too, and admit the broker.
    if (analysis.ok) {
      assertEquals(admitted, [], name);
      assertEquals(
        await decide(trust, BROKER_SESSION, "sts:AssumeRole", { "sts:SourceIdentity": STAMP }),
        "Allowed",
        name,
      );
    }
  }
  // Which are closed, as the analysis sees them.
  assertEquals(
    Object.entries(DOCUMENTS).filter(([, trust]) => analyseTrustPolicy(trust, BROKER).ok).map((
      [n],
    ) => n),
    [
      "broker only",
      "the account and a Deny for every ARN but the broker's",
      "the account, allowed only for the broker's ARN",
    ],
  );
});

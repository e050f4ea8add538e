/**
 * What IAM decides for a session under a revocation policy, evaluated with npm's
 * `@cloud-copilot/iam-simulate` (moto ignores `Condition` blocks): the session's role allows it
 * everything; the revocation policy beside it decides.
 *
 * @module
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

/** The account the simulated roles are in. */
export const SIMULATED_ACCOUNT = "123456789012";

/** A session of role `role` stamped `stamp`, issued at `issued` (epoch ms). */
export interface SimulatedSession {
  role: string;
  stamp: string;
  issued: number;
}

/** `Allowed`, `ExplicitlyDenied`, … for `action` on `resource` by `session` under `revocation`. */
export async function decideUnderRevocation(
  revocation: unknown,
  session: SimulatedSession,
  action = "s3:GetObject",
  resource = "arn:aws:s3:::bucket/key",
): Promise<string> {
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${SIMULATED_ACCOUNT}:assumed-role/${session.role}/s`,
      action,
      resource: { resource, accountId: SIMULATED_ACCOUNT },
      contextVariables: {
        "aws:SourceIdentity": session.stamp,
        "aws:TokenIssueTime": new Date(session.issued).toISOString(),
        "aws:PrincipalArn": `arn:aws:iam::${SIMULATED_ACCOUNT}:role/${session.role}`,
      },
    },
    identityPolicies: [
      {
        name: "the role's own",
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
        },
      },
      { name: "SentinelRevocations", policy: revocation },
    ] as Simulation["identityPolicies"],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

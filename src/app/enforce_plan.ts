/**
 * `sentinel enforce plan`: reads each role's trust policy with IAM GetRole, using the caller's
 * own credentials (`--aws-profile`, as the policy tools do), and says per role who besides the
 * broker can still assume it (the analysis itself is pure: src/core/trust_analysis.ts). The
 * first GetRole that fails ends the plan with its AWS error (exit 6), which names the role and
 * the API; a role given by ARN that IAM answers for with another ARN (another account or path)
 * fails the same way, rather than reporting on a role that was not asked about.
 *
 * @module
 */
import { ROLE_ARN } from "../core/trust_policy.ts";
import { analyseTrustPolicy, type TrustAnalysis } from "../core/trust_analysis.ts";
import { SentinelError } from "../core/errors.ts";
import type { IamPort } from "../ports/aws.ts";
import type { Deps } from "../ports/deps.ts";
import { callerSettings } from "./caller.ts";
import type { CallerAccess } from "./policy.ts";

/** What to plan for. */
export interface PlanRequest {
  /** Role names or role ARNs (see {@link ROLE_ARN}), in the order to report them. */
  roles: readonly string[];
  /** The broker's role ARN; without it, everyone who can assume a role is reported. */
  brokerRole?: string;
  access: CallerAccess;
}

/** One role's trust policy, analysed. */
export interface RolePlan {
  /** As it was asked for (a name or an ARN). */
  requested: string;
  arn: string;
  name: string;
  analysis: TrustAnalysis;
}

/** The plan: every role, and whether all of them admit only the broker. */
export interface EnforcementPlan {
  brokerRole: string | null;
  roles: RolePlan[];
  /** Every role admits only the broker (without a broker: no one). */
  ok: boolean;
}

/** Reads and analyses the trust policy of every requested role. */
export async function planEnforcement(deps: Deps, request: PlanRequest): Promise<EnforcementPlan> {
  const caller = await callerSettings(deps, request.access);
  const iam = await iamPort(deps);
  const base = await (await deps.baseCredentials()).get(
    caller.base,
    AbortSignal.timeout(caller.timeoutSeconds * 1000),
  );
  const roles: RolePlan[] = [];
  for (const requested of request.roles) {
    const name = ROLE_ARN.exec(requested)?.[2] ?? requested;
    const call = {
      region: caller.region,
      signal: AbortSignal.timeout(caller.timeoutSeconds * 1000),
    };
    const role = await iam.getRole(base.credentials, call, name);
    if (requested.startsWith("arn:") && role.arn !== requested) {
      throw new SentinelError(
        "aws_failure",
        `IAM GetRole ${name}: asked for ${requested}, but the credentials' account has ${role.arn}; ` +
          "use --aws-profile with credentials of the role's account (and check the role's path)",
      );
    }
    roles.push({
      requested,
      arn: role.arn,
      name: role.name,
      analysis: analyseTrustPolicy(role.trustPolicy, request.brokerRole),
    });
  }
  return {
    brokerRole: request.brokerRole ?? null,
    roles,
    ok: roles.every((role) => role.analysis.ok),
  };
}

async function iamPort(deps: Deps): Promise<IamPort> {
  const { iam } = await deps.aws();
  if (iam !== undefined) return iam;
  throw new SentinelError(
    "internal_error",
    "this AWS transport has no IAM client, which `enforce plan` needs (IAM GetRole); " +
      "unset SENTINEL_AWS_TRANSPORT or report this",
  );
}

/**
 * `sentinel enforce broker-iam`: the IAM documents of broker mode (core/broker/iam.ts) for the
 * broker as it is configured on this host — read from its own configuration, never from AWS: the
 * store its settings name (the table ARN), the role of every Sentinel profile it serves, the SSM
 * parameters of their policies, the SNS topics and log groups of its plugins. Profiles whose configuration is
 * incomplete are named, and left out.
 *
 * @module
 */
import { type BrokerResources } from "../core/broker/iam.ts";
import { SentinelError } from "../core/errors.ts";
import { ROLE_ARN } from "../core/trust_policy.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { Deps } from "../ports/deps.ts";
import type { CallerFlags } from "./acting.ts";
import { callerSettings } from "./caller.ts";
import { servedProfiles } from "./broker/served_profile.ts";

/** What the documents were made from, for the operator. */
export interface BrokerIamFacts {
  resources: BrokerResources;
  store: StoreSetting;
  region: string;
  account: string;
  /** Profiles left out, and why. */
  skipped: string[];
}

/** The roles, policies and topics the broker configured here serves. */
export async function brokerIamFacts(
  deps: Deps,
  flags: CallerFlags & { account?: string },
): Promise<BrokerIamFacts> {
  const config = await deps.config.load();
  const caller = await callerSettings(deps, flags);
  const { roles: roleArns, policies, skipped } = await servedProfiles(deps);
  const account = accountOf(flags.account, roleArns);
  const partition = ROLE_ARN.exec(roleArns[0] ?? "")?.[0].split(":")[1] ?? "aws";
  const at = `${partition}:%s:${caller.region}:${account}`;
  const store = caller.store;
  const bundled = (name: string, setting: string) =>
    config.sentinel.plugins.filter((plugin) =>
      plugin.origin.type === "bundled" && plugin.origin.plugin === name
    ).map((plugin) => plugin.settings[setting]).filter((value) => typeof value === "string");
  const topics = bundled("sns", "topic_arn");
  const groups = bundled("cloudwatch_logs", "log_group").map((group) =>
    `arn:${at.replace("%s", "logs")}:log-group:${group}`
  );
  return {
    resources: {
      ...(store.kind === "dynamodb"
        ? { tableArn: `arn:${at.replace("%s", "dynamodb")}:table/${store.name}` }
        : {}),
      protectedRoles: roleArns,
      policyParameters: policies.filter((source) => source.startsWith("ssm:")).map((source) =>
        parameterArn(source.slice(4), `arn:${at.replace("%s", "ssm")}`)
      ).sort(),
      snsTopics: [...new Set(topics as string[])].sort(),
      logGroups: [...new Set(groups)].sort(),
    },
    store,
    region: caller.region,
    account,
    skipped,
  };
}

/** `--account`, else the account of the protected roles (all in one account). */
function accountOf(flag: string | undefined, roles: readonly string[]): string {
  if (flag !== undefined) {
    if (/^\d{12}$/.test(flag)) return flag;
    throw new SentinelError("usage", `--account "${flag.slice(0, 40)}" is not a 12-digit account`);
  }
  const accounts = [...new Set(roles.map((arn) => arn.split(":")[4]))];
  if (accounts.length === 1) return accounts[0];
  throw new SentinelError(
    "usage",
    accounts.length === 0
      ? "no Sentinel profile here names a role, so the broker's account is unknown: pass --account <12-digit id> (the account of its table and parameters)"
      : `the protected roles are in ${accounts.length} accounts (${
        accounts.join(", ")
      }): pass --account <12-digit id>, the account of the broker's table and parameters`,
  );
}

/** The ARN of an SSM parameter named as a policy source names it (`/a/b`, `a`, or an ARN). */
function parameterArn(name: string, prefix: string): string {
  if (name.startsWith("arn:")) return name;
  return `${prefix}:parameter${name.startsWith("/") ? name : `/${name}`}`;
}

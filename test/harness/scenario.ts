/**
 * The standard end-to-end scenario: moto, one IAM user with keys in ~/.aws/credentials as profile
 * `base`, and a layout-1 profile `prod` whose credential_process runs Sentinel from source.
 *
 * @module
 */
import { type AwsHome, createAwsHome, createIamUser, credentialProcess } from "./aws_home.ts";
import { borrowMoto, type MotoServer } from "./moto.ts";

/** The role the scenario's profile assumes. */
export const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";

/** A policy with a deny, an allow and an approval rule. */
export const POLICY = `version: "1"
rules:
  - name: no-mallory
    effect: deny
    conditions: { users: [mallory] }
    reason: mallory is offboarded
  - name: prod-for-alice
    effect: allow
    conditions:
      profiles: [prod]
      users: [alice]
      roles: ["arn:aws:iam::123456789012:role/SentinelProd"]
    max_duration: 1h
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
`;

/** A running scenario; dispose it to give its moto back (harness/moto.ts) and remove the home. */
export interface Scenario extends AsyncDisposable {
  moto: MotoServer;
  home: AwsHome;
  policyPath: string;
  key: { accessKeyId: string; secretAccessKey: string };
}

/** Starts the scenario for one user, with the policy from a file or `ssm:<name>`. */
export async function setupScenario(
  user: string,
  policy = "file",
  extraConfig = "",
): Promise<Scenario> {
  const moto = await borrowMoto();
  const home = await createAwsHome(moto);
  const key = await createIamUser(moto, user);
  const policyPath = `${home.dir}/policy.yaml`;
  await Deno.writeTextFile(policyPath, POLICY);
  await home.writeConfig(`[default]
region = us-east-1

[profile base]
region = us-east-1

[profile prod]
credential_process = ${credentialProcess("prod")}
sentinel_role_arn = ${ROLE}
sentinel_source_profile = base
sentinel_policy = ${policy === "file" ? policyPath : policy}
${extraConfig}`);
  await home.writeCredentials(`[base]
aws_access_key_id = ${key.accessKeyId}
aws_secret_access_key = ${key.secretAccessKey}
`);
  return {
    moto,
    home,
    policyPath,
    key,
    async [Symbol.asyncDispose]() {
      await home[Symbol.asyncDispose]();
      await moto.stop();
    },
  };
}

/**
 * A team in one throwaway home: IAM users alice, bob, carol and dave (real keys in moto, in
 * ~/.aws/credentials), a `prod` profile guarded by Sentinel whose base credentials are alice's,
 * a policy file, and a shared store (SQLite file or a DynamoDB table on moto) named in the Sentinel
 * config file, as a team would distribute it.
 *
 * @module
 */
import { assertEquals } from "../assert.ts";
import { type AwsHome, createAwsHome, createIamUser, credentialProcess } from "./aws_home.ts";
import { borrowMoto, type MotoServer } from "./moto.ts";
import { runSentinel, type SentinelRun } from "./sentinel.ts";

/** The role `prod` assumes. */
export const TEAM_ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
/** The team's users. */
export const TEAM = ["alice", "bob", "carol", "dave"] as const;

/** The team's usual policy: prod needs bob's approval; alice may break glass into it for 1 h. */
export const TEAM_POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h }
`;

/** A running team; dispose it to give its moto back (harness/moto.ts) and remove the home. */
export interface Team extends AsyncDisposable {
  moto: MotoServer;
  home: AwsHome;
  store: string;
  policyPath: string;
  /** Runs Sentinel as `user` (`--aws-profile user` appended). */
  as(user: string, args: string[]): Promise<SentinelRun>;
  /**
   * Runs Sentinel with the home's environment and nothing appended (`denoFlags` go to
   * `deno run`, such as a `--preload` that sets the clock).
   */
  run(
    args: string[],
    extraEnv?: Record<string, string>,
    denoFlags?: readonly string[],
  ): Promise<SentinelRun>;
  /** The environment every run gets (for tests that start Sentinel themselves). */
  env: Record<string, string>;
}

/** Options of {@link startTeam}. */
export interface TeamOptions {
  store: "sqlite" | "dynamodb";
  policy: string;
  /** More of the Sentinel config file (for example `plugins:`). */
  sentinelConfig?: string;
  /** More profiles in ~/.aws/config. */
  extraConfig?: string;
  env?: Record<string, string>;
}

/** Borrows an empty moto (harness/moto.ts), creates the users and writes the home. */
export async function startTeam(options: TeamOptions): Promise<Team> {
  const moto = await borrowMoto();
  const home = await createAwsHome(moto);
  const keys = await Promise.all(TEAM.map((user) => createIamUser(moto, user)));
  const store = options.store === "sqlite"
    ? `sqlite:${home.dir}/shared/sentinel.db`
    : `dynamodb:sentinel-${crypto.randomUUID().slice(0, 8)}`;
  const policyPath = `${home.dir}/policy.yaml`;
  await Deno.writeTextFile(policyPath, options.policy);
  await Deno.writeTextFile(
    `${home.dir}/sentinel.yaml`,
    `store: ${store}\n${options.sentinelConfig ?? ""}`,
  );
  await home.writeConfig(`[default]
region = us-east-1
${TEAM.map((user) => `\n[profile ${user}]\nregion = us-east-1\n`).join("")}
[profile prod]
credential_process = ${credentialProcess("prod")}
sentinel_role_arn = ${TEAM_ROLE}
sentinel_source_profile = alice
sentinel_policy = ${policyPath}
region = us-east-1
${options.extraConfig ?? ""}`);
  await home.writeCredentials(
    TEAM.map((user, i) =>
      `[${user}]\naws_access_key_id = ${keys[i].accessKeyId}\naws_secret_access_key = ${
        keys[i].secretAccessKey
      }\n`
    ).join("\n"),
  );
  const env = { ...home.env, ...options.env };
  const run = (
    args: string[],
    extraEnv: Record<string, string> = {},
    denoFlags: readonly string[] = [],
  ) => runSentinel(args, { env: { ...env, ...extraEnv }, denoFlags });
  const as = (user: string, args: string[]) => run([...args, "--aws-profile", user]);
  if (options.store === "dynamodb") {
    const init = await as("bob", ["store", "init"]);
    assertEquals(init.code, 0, init.stderr);
  }
  return {
    moto,
    home,
    store,
    policyPath,
    as,
    run,
    env,
    async [Symbol.asyncDispose]() {
      await home[Symbol.asyncDispose]();
      await moto.stop();
    },
  };
}

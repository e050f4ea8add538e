/**
 * The team of test/harness/team.ts, in memory: IAM users alice, bob, carol and dave (keys in the
 * AWS credentials file, known to the fake STS), a `prod` profile guarded by Sentinel whose base
 * credentials are alice's, a policy file, and a shared store named in the Sentinel config file.
 * Everything a use case or a command needs, with no process, file or network.
 *
 * @module
 */
import type { CallerFlags } from "../../src/app/acting.ts";
import type { PluginEntry } from "../../src/core/plugin_entry.ts";
import type { AwsCredentials } from "../../src/ports/aws.ts";
import type { Stores } from "../../src/ports/stores.ts";
import { FakeWorld, type WorldOptions } from "./fake_deps.ts";

/** The role `prod` assumes. */
export const TEAM_ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
/** The team's users. */
export const TEAM = ["alice", "bob", "carol", "dave"] as const;
/** Where the team's policy file is. */
export const POLICY_PATH = "/home/alice/policy.yaml";
/** The team's store. */
export const STORE = "sqlite:/home/alice/shared/sentinel.db";

/** What a team starts with. */
export interface TeamOptions {
  policy: string;
  /** More of the Sentinel config file. */
  sentinelConfig?: string;
  /** More of ~/.aws/config. */
  extraConfig?: string;
  plugins?: PluginEntry[];
  vars?: Record<string, string>;
  start?: number;
}

/** A team's world, with its users' keys. */
export class FakeTeam extends FakeWorld {
  readonly keys: Record<(typeof TEAM)[number], AwsCredentials>;

  constructor(options: TeamOptions) {
    const config = `[default]
region = us-east-1
${TEAM.map((user) => `\n[profile ${user}]\nregion = us-east-1\n`).join("")}
[profile prod]
sentinel_role_arn = ${TEAM_ROLE}
sentinel_source_profile = alice
sentinel_policy = ${POLICY_PATH}
region = us-east-1
${options.extraConfig ?? ""}`;
    const world: WorldOptions = {
      start: options.start,
      vars: options.vars,
      awsConfig: config,
      sentinelConfig: `store: ${STORE}\n${options.sentinelConfig ?? ""}`,
      files: { [POLICY_PATH]: options.policy },
      plugins: options.plugins,
    };
    super(world);
    const keys = Object.fromEntries(TEAM.map((user) => [user, this.aws.addUser(user)]));
    this.keys = keys as FakeTeam["keys"];
    this.files.set(
      this.env().paths.awsCredentials,
      TEAM.map((user) =>
        `[${user}]\naws_access_key_id = ${keys[user].accessKeyId}\naws_secret_access_key = ${
          keys[user].secretAccessKey
        }\n`
      ).join("\n"),
    );
  }

  /** Replaces the policy in force. */
  setPolicy(text: string): void {
    this.files.set(POLICY_PATH, text);
  }

  /** The team's store, as another program (or a person with the file) would open it. */
  store(): Stores {
    return this.stores.open({ text: STORE });
  }

  /** The caller flags of `user` (`--aws-profile user`). */
  static as(user: string): CallerFlags {
    return { profile: user };
  }
}

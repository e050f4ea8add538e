/**
 * Broker mode on real peers (DESIGN §12, §15): moto with IAM checks on, an administrator made in
 * its first unauthenticated calls, IAM users alice, bob and carol (each allowed `*` by their own
 * policy), the broker's own IAM user, and role SentinelProd trusting only the broker. The broker
 * runs as a real `sentinel serve` process in a home of its own (its profiles, policy file, store
 * — SQLite, or a DynamoDB table in moto the broker's user may use — and decision log); each person
 * gets a client home whose profile `prod` runs `sentinel credentials prod` as credential_process
 * with `sentinel_server` set.
 *
 * @module
 */
import { REVOKER_ACTIONS } from "../../src/core/revocation/role_policy.ts";
import { storeIamPolicy, storeInitIamPolicy } from "../../src/core/store/template.ts";
import { type AccessKey, type AwsHome, createAwsHome, credentialProcess } from "./aws_home.ts";
import { iamSetup, xmlField } from "./iam_setup.ts";
import { borrowMoto, type MotoServer } from "./moto.ts";
import { runSentinel, spawnSentinel } from "./sentinel.ts";
import { freePort } from "./tools.ts";

export const ACCOUNT = "123456789012";
export const BROKER_USER = "sentinel-broker";
export const PROD_ROLE = `arn:aws:iam::${ACCOUNT}:role/SentinelProd`;

/** alice may have prod; bob is in no rule (default deny). */
export const BROKER_POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
    max_duration: 1h
`;

/** A `sentinel serve` process. */
export interface RunningBroker extends AsyncDisposable {
  /** Its origin (and id). */
  url: string;
  process: Deno.ChildProcess;
  /** Access-log lines so far (stdout) and operator lines (stderr). */
  accessLog(): Record<string, unknown>[];
  stderr(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number>;
}

/** The people of a broker world (carol is in no rule of {@link BROKER_POLICY} either). */
export type Person = "alice" | "bob" | "carol";

/** How a broker world differs from the default one. */
export interface BrokerWorldOptions {
  /** The broker's policy file (default {@link BROKER_POLICY}). */
  policy?: string;
  /**
   * Where the broker keeps its state: its own SQLite file (default), or a DynamoDB table in moto,
   * made by `sentinel store init` as the broker's user, whose IAM policy then allows the table's
   * actions (the policies `store init` prints).
   */
  store?: "sqlite" | "dynamodb";
  /** More arguments for the first broker's `sentinel serve` (`--broker-id`, say). */
  brokerArgs?: string[];
  /** More environment for the broker processes. */
  brokerEnv?: Record<string, string>;
  /** The broker's Sentinel config file (its plugins, say). */
  brokerConfig?: string;
  /**
   * What alice, bob and carol may do in AWS: everything (default: the role still refuses them),
   * or only ask STS who they are — broker mode's users need nothing else (no store, no role).
   */
  people?: "everything" | "nothing";
}

/** The whole world of a broker test. */
export interface BrokerWorld extends AsyncDisposable {
  moto: MotoServer;
  /** Environment for the AWS CLI as the administrator. */
  adminEnv: Record<string, string>;
  keys: Record<Person | "broker", AccessKey>;
  brokerHome: AwsHome;
  policyFile: string;
  broker: RunningBroker;
  /**
   * A client home for `person`, its profile prod served by `server` (default: the broker), with
   * `profileLines` (settings such as `sentinel_refresh_window = 892s`) added to it.
   */
  client(person: Person, server?: string, profileLines?: string): Promise<AwsHome>;
  /** Starts another broker process over the same home (and so the same store). */
  startBroker(
    args?: string[],
    env?: Record<string, string>,
    tls?: { certFile: string; keyFile: string; ca: string },
  ): Promise<RunningBroker>;
}

/** The IAM world of a broker test: users (the first is the administrator) and roles. */
export interface IamPlan {
  users: Record<string, IamPlanUser>;
  roles?: Record<string, unknown>;
}

/** A user of an {@link IamPlan}: allowed `actions` on `resource`, and `statements` beside. */
export interface IamPlanUser {
  actions: string[];
  resource: string;
  statements?: { Action: string[]; Resource: string | string[] }[];
}

/**
 * moto in IAM mode, with the users and roles of `plan` made through IAM's API
 * (harness/iam_setup.ts): the first user, the administrator, in moto's three unauthenticated
 * set-up actions (create the user, put its policy, make its key); everything after signed with
 * the administrator's key, as moto's IAM checks then require.
 */
export async function motoWithIam(
  plan: IamPlan,
): Promise<{ moto: MotoServer; keys: Record<string, AccessKey> }> {
  const moto = await borrowMoto({ unauthenticatedActions: 3 });
  try {
    const [[adminName, adminSpec], ...others] = Object.entries(plan.users);
    const keys: Record<string, AccessKey> = {};
    keys[adminName] = await makeUser(moto, adminName, adminSpec);
    for (const [name, spec] of others) {
      keys[name] = await makeUser(moto, name, spec, keys[adminName]);
    }
    for (const [name, trust] of Object.entries(plan.roles ?? {})) {
      await iamSetup(moto, "CreateRole", {
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify(trust),
      }, keys[adminName]);
    }
    return { moto, keys };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

/** Creates user `name` with its own policy (named `own`) and an access key, signed with `by`. */
async function makeUser(
  moto: MotoServer,
  name: string,
  spec: IamPlanUser,
  by?: AccessKey,
): Promise<AccessKey> {
  await iamSetup(moto, "CreateUser", { UserName: name }, by);
  await iamSetup(moto, "PutUserPolicy", {
    UserName: name,
    PolicyName: "own",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: spec.actions, Resource: spec.resource },
        ...(spec.statements ?? []).map((statement) => ({ Effect: "Allow", ...statement })),
      ],
    }),
  }, by);
  const key = await iamSetup(moto, "CreateAccessKey", { UserName: name }, by);
  return {
    accessKeyId: xmlField(key, "AccessKeyId"),
    secretAccessKey: xmlField(key, "SecretAccessKey"),
  };
}

/** The trust policy of a role only the broker's IAM user may assume (with SetSourceIdentity). */
export function brokerOnlyTrust(): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${BROKER_USER}` },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    }],
  };
}

/** Starts `sentinel serve` in `home` on a free port; resolves once its health answers. */
export async function startBrokerProcess(
  home: AwsHome,
  args: string[] = [],
  env: Record<string, string> = {},
  tls?: { certFile: string; keyFile: string; ca: string },
): Promise<RunningBroker> {
  const port = freePort();
  const url = `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`;
  const tlsArgs = tls === undefined ? [] : ["--tls-cert", tls.certFile, "--tls-key", tls.keyFile];
  const client = tls === undefined ? undefined : Deno.createHttpClient({ caCerts: [tls.ca] });
  const process = spawnSentinel(
    ["serve", "--listen", `127.0.0.1:${port}`, "--aws-profile", "broker", ...tlsArgs, ...args],
    { env: { ...home.env, ...env } },
  );
  let out = "";
  let err = "";
  const reading = [
    (async () => {
      for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) out += chunk;
    })(),
    (async () => {
      for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
    })(),
  ];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/v1/health`, client === undefined ? {} : { client }).then(
      async (r) => {
        await r.body?.cancel();
        return r.ok;
      },
    ).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline || err.includes("sentinel: ")) {
      process.kill("SIGKILL");
      await process.status;
      await Promise.all(reading);
      throw new Error(`sentinel serve did not start:\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  client?.close();
  let exit: Promise<number> | undefined;
  const stop = () =>
    exit ??= (async () => {
      try {
        process.kill("SIGTERM");
      } catch { /* already gone */ }
      // A broker that does not drain within 15 s is hung: kill it, so the test fails, not hangs.
      const kill = setTimeout(() => {
        try {
          process.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      const status = await process.status;
      clearTimeout(kill);
      await Promise.all(reading);
      return status.code;
    })();
  return {
    url,
    process,
    accessLog: () =>
      out.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line)),
    stderr: () => err,
    stop,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}

/** The table of a DynamoDB broker world, and what the broker's user may do on it. */
const TABLE = "sentinel-broker-state";
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TABLE}`;

/**
 * The broker's own IAM user: assume the role, and, when the store is a table, exactly the actions
 * `store init` prints for it (moto checks actions only: for DynamoDB it matches a statement's
 * Resource against `*`, so the statements name `*` rather than the table).
 */
function brokerUser(store: "sqlite" | "dynamodb") {
  // moto authorizes a transaction as the action dynamodb:TransactWriteItems; AWS has no such IAM
  // action and checks each item's own (PutItem, UpdateItem, ConditionCheckItem), which the
  // printed policy allows. Only moto needs this line.
  const motoTransactions = { Action: ["dynamodb:TransactWriteItems"], Resource: "*" };
  const table = store === "dynamodb"
    ? [...storeInitIamPolicy(TABLE_ARN).Statement, ...storeIamPolicy(TABLE_ARN).Statement]
      .map(({ Action }) => ({ Action, Resource: "*" })).concat([motoTransactions])
    : [];
  // What `enforce broker-iam` grants on the protected roles: assume them, write their revocations.
  const revocations = { Action: [...REVOKER_ACTIONS], Resource: PROD_ROLE };
  return {
    actions: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    resource: PROD_ROLE,
    statements: [...table, revocations],
  };
}

/** Sets up the whole world; dispose it to stop everything. */
export async function brokerWorld(options: BrokerWorldOptions = {}): Promise<BrokerWorld> {
  const store = options.store ?? "sqlite";
  const everything = { actions: ["*"], resource: "*" };
  const person = options.people === "nothing"
    ? { actions: ["sts:GetCallerIdentity"], resource: "*" }
    : everything;
  const { moto, keys: made } = await motoWithIam({
    users: {
      admin: everything,
      alice: person,
      bob: person,
      carol: person,
      [BROKER_USER]: brokerUser(store),
    },
    roles: { SentinelProd: brokerOnlyTrust() },
  });
  const keys = { alice: made.alice, bob: made.bob, carol: made.carol, broker: made[BROKER_USER] };
  const adminEnv = {
    ...moto.clientEnv(),
    AWS_CONFIG_FILE: "/dev/null",
    AWS_ACCESS_KEY_ID: made.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: made.admin.secretAccessKey,
  };
  const brokerHome = await createAwsHome(moto);
  const policyFile = `${brokerHome.dir}/policy.yaml`;
  await Deno.writeTextFile(policyFile, options.policy ?? BROKER_POLICY);
  await brokerHome.writeConfig(
    `[profile prod]\nsentinel_role_arn = ${PROD_ROLE}\nsentinel_source_profile = broker\nsentinel_policy = ${policyFile}\n\n[profile broker]\nregion = us-east-1\n`,
  );
  await brokerHome.writeCredentials(
    `[broker]\naws_access_key_id = ${keys.broker.accessKeyId}\naws_secret_access_key = ${keys.broker.secretAccessKey}\n`,
  );
  if (options.brokerConfig !== undefined) {
    await Deno.writeTextFile(brokerHome.env.SENTINEL_CONFIG, options.brokerConfig);
  }
  brokerHome.env.SENTINEL_STORE = store === "dynamodb"
    ? `dynamodb:${TABLE}`
    : `sqlite:${brokerHome.dir}/sentinel.db`;
  Object.assign(brokerHome.env, options.brokerEnv);
  const init = await runSentinel(["store", "init", "--aws-profile", "broker"], {
    env: brokerHome.env,
  });
  if (init.code !== 0) throw new Error(`store init: ${init.stderr}`);
  const broker = await startBrokerProcess(brokerHome, options.brokerArgs);
  const homes: AwsHome[] = [];
  const others: RunningBroker[] = [];
  return {
    moto,
    adminEnv,
    keys,
    brokerHome,
    policyFile,
    broker,
    async client(person, server = broker.url, profileLines = "") {
      const home = await createAwsHome(moto);
      homes.push(home);
      await home.writeConfig(
        `[profile prod]\ncredential_process = ${
          credentialProcess("prod")
        }\nsentinel_server = ${server}\nsentinel_source_profile = base\n${profileLines}\n\n[profile base]\nregion = us-east-1\n`,
      );
      const key = keys[person];
      await home.writeCredentials(
        `[base]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
      );
      return home;
    },
    async startBroker(args = [], env = {}, tls) {
      const another = await startBrokerProcess(brokerHome, args, env, tls);
      others.push(another);
      return another;
    },
    async [Symbol.asyncDispose]() {
      for (const running of [broker, ...others]) await running.stop();
      for (const home of homes) await home[Symbol.asyncDispose]();
      await brokerHome[Symbol.asyncDispose]();
      await moto.stop();
    },
  };
}

/**
 * The deployment files of deploy/ as the tests read and run them: the shared `sentinel serve`
 * command line (deploy/serve-args.json), the Dockerfile's and the systemd unit's instructions,
 * and a deployment on real peers — moto (with resource-level IAM checks, moto_deploy_server.py)
 * holding the CloudFormation stack of deploy/cloudformation/sentinel-broker.yaml, stand-ins for
 * the ECS container credentials endpoint and the EC2 instance metadata service that hand out the
 * host role's session, a TLS-terminating proxy standing in for the load balancer, and a root
 * folder standing in for the host's file system (/etc/sentinel, /var/lib/sentinel).
 *
 * @module
 */
import type { AwsCredentials } from "../../src/ports/aws.ts";
import { aws } from "./aws_home.ts";
import { forward } from "./faulty_proxy.ts";
import { ALLOW_ALL, checkIam, createUser } from "./moto_iam.ts";
import { baseEnv, sentinelCommand } from "./sentinel.ts";
import { serveStandIn } from "./stand_in_aws.ts";
import type { TestCertificates } from "./tls.ts";
import { DENO_DIR, freePort, ROOT, toolPath } from "./tools.ts";

/** The folder of the deployment files. */
export const DEPLOY = `${ROOT}deploy/`;

/** The region of the examples in deploy/config/ and so of the test stacks. */
export const REGION = "eu-central-1";

/** deploy/serve-args.json: the one `sentinel serve` command line of the deployment files. */
export interface ServeArgs {
  executable: string;
  args: string[];
  environment: Record<string, string>;
}

/** Reads deploy/serve-args.json. */
export async function readServeArgs(): Promise<ServeArgs> {
  const { executable, args, environment } = JSON.parse(
    await Deno.readTextFile(`${DEPLOY}serve-args.json`),
  );
  return { executable, args, environment };
}

// ---------------------------------------------------------------------------------- Dockerfile

/** One instruction of a Dockerfile: its keyword (upper case) and the rest, continuations joined. */
export interface DockerInstruction {
  keyword: string;
  rest: string;
  /** 1-based line it starts on. */
  line: number;
}

/** A Dockerfile's instructions: comments and blank lines dropped, `\` continuations joined. */
export function dockerInstructions(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    if (/^\s*#/.test(raw)) return; // comments, also inside a continuation
    if (pending === undefined && raw.trim() === "") return;
    const continued = /\\\s*$/.test(raw);
    const part = raw.replace(/\\\s*$/, "");
    pending = pending === undefined
      ? { text: part, line: index + 1 }
      : { ...pending, text: `${pending.text} ${part.trim()}` };
    if (continued) return;
    const match = /^\s*(\w+)\s*(.*)$/.exec(pending.text)!;
    instructions.push({
      keyword: match[1].toUpperCase(),
      rest: match[2].trim(),
      line: pending.line,
    });
    pending = undefined;
  });
  return instructions;
}

/** The instructions of the last stage (from its FROM on): what the image is made of. */
export function finalStage(instructions: DockerInstruction[]): DockerInstruction[] {
  const from = instructions.findLastIndex((i) => i.keyword === "FROM");
  return instructions.slice(from);
}

/** An exec-form argument list (`["a", "b"]`), or undefined for the shell form. */
export function execForm(rest: string): string[] | undefined {
  if (!rest.startsWith("[")) return undefined;
  const value = JSON.parse(rest);
  if (!Array.isArray(value) || !value.every((w) => typeof w === "string")) {
    throw new Error(`not an exec-form list of strings: ${rest}`);
  }
  return value;
}

/** The variables of `ENV K=V [K2=V2 …]` instructions, in order (the legacy `ENV K V` refused). */
export function dockerEnv(instructions: DockerInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { rest, line } of instructions.filter((i) => i.keyword === "ENV")) {
    for (const pair of rest.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`line ${line}: write ENV as KEY=value, not ${rest}`);
      env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  return env;
}

/** `HEALTHCHECK [--option=value…] CMD [...]`: its options and its exec-form command. */
export function healthcheck(rest: string): { options: Record<string, string>; command: string[] } {
  const match = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(rest);
  if (match === null) throw new Error(`HEALTHCHECK must be [options] CMD [exec form]: ${rest}`);
  const options = Object.fromEntries(
    match[1].trim().split(/\s+/).filter(Boolean).map((o) => o.slice(2).split("=", 2)),
  );
  return { options, command: execForm(match[2])! };
}

// ------------------------------------------------------------------------------- systemd unit

/** A unit file: each section's assignments, in order (a key may repeat). */
export type UnitFile = Map<string, [string, string][]>;

/** Parses a systemd unit file (comments, blank lines and `\` continuations as systemd reads them). */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: [string, string][] | undefined;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const line of lines.map((l) => l.trim())) {
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = [];
      unit.set(header[1], section);
      continue;
    }
    const at = line.indexOf("=");
    if (section === undefined || at < 1) throw new Error(`not a unit file line: ${line}`);
    section.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  return unit;
}

/** The values of `key` in `section`, in order. */
export function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

/** A command line split into words as systemd does (whitespace; "…" and '…' quote). */
export function unitWords(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) =>
    m[1] ?? m[2] ?? m[3]
  );
}

/** `Environment=K=V` lines as variables (one assignment per line, as the unit writes them). */
export function unitEnvironment(unit: UnitFile): Record<string, string> {
  return Object.fromEntries(
    unitValues(unit, "Service", "Environment").flatMap((value) =>
      unitWords(value).map((
        pair,
      ) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)])
    ),
  );
}

/** An `EnvironmentFile=` file's variables (KEY=value lines; comments and blanks skipped). */
export function environmentFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")).map((
      l,
    ) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** `${NAME}` and `$NAME` in a word replaced from `env`, as systemd expands ExecStart. */
export function expandVariables(word: string, env: Record<string, string>): string {
  return word.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced, bare) => env[braced ?? bare] ?? "");
}

// --------------------------------------------------------------------------------- the world

/** A running moto_deploy_server.py. */
export interface DeployMoto extends AsyncDisposable {
  endpoint: string;
  /** The AWS CLI as moto's built-in identity (before IAM checks are on), in {@link REGION}. */
  clientEnv(): Record<string, string>;
  /** Every STS AssumeRole call moto recorded, as its parameters. */
  assumeRoleCalls(): Promise<URLSearchParams[]>;
}

/** Starts moto_deploy_server.py on a free port, recording requests; resolves once it answers. */
export async function startDeployMoto(): Promise<DeployMoto> {
  const port = freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const recordings = await Deno.makeTempFile({ prefix: "moto-deploy-recording-" });
  const child = new Deno.Command(toolPath("python3"), {
    args: [`${ROOT}test/harness/moto_deploy_server.py`, "-H", "127.0.0.1", "-p", String(port)],
    env: { MOTO_ENABLE_RECORDING: "True", MOTO_RECORDER_FILEPATH: recordings },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`${endpoint}/moto-api/`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }).catch(() => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`moto_deploy_server.py did not start on ${endpoint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await fetch(`${endpoint}/moto-api/recorder/start-recording`, { method: "POST" }).then((r) =>
    r.body?.cancel()
  );
  return {
    endpoint,
    clientEnv: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: "/dev/null",
    }),
    async assumeRoleCalls() {
      const text = await Deno.readTextFile(recordings).catch(() => "");
      return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l))
        .map((entry) =>
          entry.body_encoded && typeof entry.body === "string"
            ? new TextDecoder().decode(Uint8Array.from(atob(entry.body), (c) => c.charCodeAt(0)))
            : typeof entry.body === "string"
            ? entry.body
            : ""
        )
        .filter((body) => body.includes("Action=AssumeRole"))
        .map((body) => new URLSearchParams(body));
    },
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(recordings).catch(() => {});
    },
  };
}

/** Runs the AWS CLI; fails with its error unless it exits 0; its JSON output. */
export async function awsJson(
  args: string[],
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const run = await aws([...args, "--output", "json"], env);
  if (run.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(" ")}: ${run.stderr}`);
  return run.stdout.trim() === "" ? {} : JSON.parse(run.stdout);
}

/** A role session's credentials, as a credentials endpoint hands them out. */
export interface HostSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** RFC 3339. */
  expiration: string;
}

/** A stack of deploy/cloudformation/sentinel-broker.yaml in moto, and who is who around it. */
export interface DeployedStack {
  moto: DeployMoto;
  /** The AWS CLI as an administrator (an IAM user allowed everything). */
  adminEnv: Record<string, string>;
  keys: { admin: AwsCredentials; alice: AwsCredentials };
  /** The stack's outputs by key. */
  outputs: Record<string, string>;
  /** A session of the host role, as ECS, EKS or EC2 would hand it to the broker's process. */
  host: HostSession;
}

/**
 * Creates the stack (parameters: `parameters`, the rest defaults) with the real AWS CLI in moto,
 * stores `policy` as the SSM parameter of the example profile (/sentinel/policies/prod), makes
 * alice (allowed everything by her own policy) and an administrator, takes a session of the host
 * role, and then turns moto's IAM checks on.
 */
export async function deployStack(
  moto: DeployMoto,
  parameters: Record<string, string>,
  policy: string,
): Promise<DeployedStack> {
  const env = moto.clientEnv();
  const admin = await createUser(moto, "admin", ALLOW_ALL);
  const alice = await createUser(moto, "alice", ALLOW_ALL);
  await awsJson([
    "cloudformation",
    "create-stack",
    "--stack-name",
    "sentinel-broker",
    "--template-body",
    `file://${DEPLOY}cloudformation/sentinel-broker.yaml`,
    "--capabilities",
    "CAPABILITY_NAMED_IAM",
    "--parameters",
    ...Object.entries(parameters).map(([k, v]) => `ParameterKey=${k},ParameterValue=${v}`),
  ], env);
  const described = await awsJson(
    ["cloudformation", "describe-stacks", "--stack-name", "sentinel-broker"],
    env,
  ) as {
    Stacks: { StackStatus: string; Outputs?: { OutputKey: string; OutputValue: string }[] }[];
  };
  const [stack] = described.Stacks;
  if (stack.StackStatus !== "CREATE_COMPLETE") {
    const events = await aws(
      ["cloudformation", "describe-stack-events", "--stack-name", "sentinel-broker"],
      env,
    );
    throw new Error(`stack ${stack.StackStatus}:\n${events.stdout}`);
  }
  const outputs = Object.fromEntries(
    (stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]),
  );
  await awsJson([
    "ssm",
    "put-parameter",
    "--name",
    "/sentinel/policies/prod",
    "--type",
    "String",
    "--value",
    policy,
  ], env);
  const session = await awsJson([
    "sts",
    "assume-role",
    "--role-arn",
    outputs.HostRoleArn,
    "--role-session-name",
    "broker-host",
  ], env) as {
    Credentials: {
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
      Expiration: string;
    };
  };
  const c = session.Credentials;
  await checkIam(moto);
  return {
    moto,
    adminEnv: {
      ...env,
      AWS_ACCESS_KEY_ID: admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
    },
    keys: { admin, alice },
    outputs,
    host: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration).toISOString(),
    },
  };
}

/** A stand-in credentials endpoint; dispose it to stop. */
export interface CredentialsEndpoint extends AsyncDisposable {
  /** What to add to the broker's environment so that the AWS SDK asks this endpoint. */
  env: Record<string, string>;
  /** Requests it answered with credentials. */
  readonly served: number;
}

function credentialsJson(host: HostSession) {
  return {
    AccessKeyId: host.accessKeyId,
    SecretAccessKey: host.secretAccessKey,
    Token: host.sessionToken,
    Expiration: host.expiration,
  };
}

/**
 * The container credentials endpoint of ECS and EKS Pod Identity: the host role's session at
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, for the token in `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
 * (the form EKS Pod Identity uses; ECS's `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` always means
 * 169.254.170.2, which a test cannot serve).
 */
export async function containerCredentialsEndpoint(
  host: HostSession,
): Promise<CredentialsEndpoint> {
  const token = crypto.randomUUID();
  const tokenFile = await Deno.makeTempFile({ prefix: "sentinel-pod-token-" });
  await Deno.writeTextFile(tokenFile, token);
  let served = 0;
  const server = serveStandIn((request) => {
    if (request.headers.get("authorization") !== token) return new Response("", { status: 401 });
    served++;
    return Response.json({ ...credentialsJson(host), RoleArn: "(the host role)" });
  });
  return {
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.endpoint}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
    },
    get served() {
      return served;
    },
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await Deno.remove(tokenFile);
    },
  };
}

/**
 * The EC2 instance metadata service (IMDSv2): a session token, then the instance profile's role
 * name and that role's session, for `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
 */
export function instanceMetadataEndpoint(
  host: HostSession,
  roleName: string,
): CredentialsEndpoint {
  const token = crypto.randomUUID();
  const base = "/latest/meta-data/iam/security-credentials/";
  let served = 0;
  const server = serveStandIn((request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "PUT" && path === "/latest/api/token") return new Response(token);
    if (request.headers.get("x-aws-ec2-metadata-token") !== token) {
      return new Response("", { status: 401 });
    }
    if (path === base) return new Response(roleName);
    if (path !== `${base}${roleName}`) return new Response("", { status: 404 });
    served++;
    return Response.json({
      Code: "Success",
      LastUpdated: new Date().toISOString(),
      Type: "AWS-HMAC",
      ...credentialsJson(host),
    });
  });
  return {
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `${server.endpoint}/` },
    get served() {
      return served;
    },
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  };
}

/** A TLS-terminating proxy (the load balancer) in front of a plain-HTTP broker. */
export interface TlsProxy extends AsyncDisposable {
  /** `https://127.0.0.1:<port>`: the broker id clients use. */
  url: string;
  /** Requests it forwarded. */
  readonly forwarded: number;
}

/** Serves TLS with `certificates` on a free loopback port and forwards every request to `target`. */
export function tlsProxy(certificates: TestCertificates, target: string): TlsProxy {
  let forwarded = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(certificates.certFile),
    key: Deno.readTextFileSync(certificates.keyFile),
    onListen() {},
  }, async (request) => {
    forwarded++;
    // Like a load balancer: a target that does not answer is a 502, not an error.
    return await forward(target, request, new Uint8Array(await request.arrayBuffer()))
      .catch(() => new Response("no healthy target", { status: 502 }));
  });
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    get forwarded() {
      return forwarded;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * A folder standing in for the host's file system: absolute paths under /etc/sentinel and
 * /var/lib/sentinel (the deployment's configuration and state) are mapped into it.
 */
export interface HostRoot extends AsyncDisposable {
  dir: string;
  /** `path` inside the root when it is one of the deployment's, else unchanged. */
  map(path: string): string;
  /** Every deployment path in `text` mapped (for configuration files that name them). */
  mapText(text: string): string;
}

const HOST_PATHS = /(?<![\w/])\/(?:etc\/sentinel|var\/lib\/sentinel)(?=\/|\b|$)/g;

/** Makes the root with /etc/sentinel and /var/lib/sentinel (0700) in it. */
export async function hostRoot(): Promise<HostRoot> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-host-" });
  await Deno.mkdir(`${dir}/etc/sentinel`, { recursive: true });
  await Deno.mkdir(`${dir}/var/lib/sentinel`, { recursive: true, mode: 0o700 });
  const mapText = (text: string) => text.replace(HOST_PATHS, (path) => `${dir}${path}`);
  return {
    dir,
    map: mapText,
    mapText,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A `sentinel serve` started from a deployment file's command line. */
export interface DeployedBroker extends AsyncDisposable {
  /** Access-log lines (stdout, JSON) and operator lines (stderr) so far. */
  accessLog(): Record<string, unknown>[];
  stderr(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number>;
}

/**
 * Runs `argv` — a deployment file's command line with its executable — with `executable`
 * standing for Sentinel from source, in exactly `env` (plus the harness's minimal environment);
 * resolves once `health` (a URL, fetched with `client`) answers 200.
 */
export async function startDeployedBroker(
  argv: string[],
  env: Record<string, string>,
  health: { url: string; client?: Deno.HttpClient },
): Promise<DeployedBroker> {
  const [command, ...baseArgs] = sentinelCommand();
  const process = new Deno.Command(command, {
    args: [...baseArgs, ...argv.slice(1)],
    cwd: ROOT,
    clearEnv: true,
    env: baseEnv({ DENO_DIR, ...env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
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
  let exit: Promise<number> | undefined;
  const stop = () =>
    exit ??= (async () => {
      try {
        process.kill("SIGTERM");
      } catch { /* already gone */ }
      const status = await process.status;
      await Promise.all(reading);
      return status.code;
    })();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(health.url, health.client === undefined ? {} : { client: health.client })
      .then(async (r) => {
        await r.body?.cancel();
        return r.ok;
      }).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline || err.includes("sentinel: ")) {
      process.kill("SIGKILL");
      await process.status;
      await Promise.all(reading);
      throw new Error(`sentinel serve did not start:\n${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    accessLog: () =>
      out.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line)),
    stderr: () => err,
    stop,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}

/**
 * A client home for `person`'s keys whose profile prod is served by the broker at `server`
 * (trusting `caFile` for its TLS), with credential_process running Sentinel from source.
 */
export async function clientHome(
  moto: DeployMoto,
  keys: AwsCredentials,
  server: string,
  caFile: string,
): Promise<{ env: Record<string, string> } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-client-" });
  await Deno.mkdir(`${dir}/.aws`);
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    `[profile prod]\ncredential_process = ${
      [...sentinelCommand(), "credentials", "prod"].join(" ")
    }\nsentinel_server = ${server}\nsentinel_server_ca = ${caFile}\nsentinel_source_profile = base\nregion = ${REGION}\n\n[profile base]\nregion = ${REGION}\n`,
  );
  await Deno.writeTextFile(
    `${dir}/.aws/credentials`,
    `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
  );
  return {
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      AWS_ENDPOINT_URL: moto.endpoint,
      SENTINEL_LOG_FILE: `${dir}/decisions.jsonl`,
      SENTINEL_CACHE_DIR: `${dir}/cache`,
      SENTINEL_CONFIG: `${dir}/sentinel.yaml`,
      DENO_DIR,
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

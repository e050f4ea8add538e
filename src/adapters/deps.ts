/**
 * The composition root: builds Sentinel's real dependencies once per process, each on first use.
 * Only what the warm `credentials` path touches is imported statically (the file cache and the
 * decision log, no npm package); everything else — the config parsers, the AWS transports, the
 * credential sources, the plugin host, the stores — is imported through a computed specifier when
 * first asked for, so Deno does not even resolve it at start-up (scripts/compile.ts embeds them).
 *
 * @module
 */
import { displaySafe } from "../core/text/display.ts";
import { type Environment, environmentOf } from "../core/environment.ts";
import type { AwsPorts } from "../ports/aws.ts";
import type { BaseCredentialProvider } from "../ports/base_credentials.ts";
import type { LoadedConfig } from "../ports/config.ts";
import type { Deps } from "../ports/deps.ts";
import type { UserFiles } from "../ports/files.ts";
import type { PluginCaller } from "../ports/plugins.ts";
import type { ChildProcesses } from "../ports/processes.ts";
import type { Stores } from "../ports/stores.ts";
import { FileCache } from "./credential_cache.ts";
import { appendDecision } from "./decision_log.ts";
import {
  backupFile,
  fileTextHash,
  isOwnerReadOnly,
  readFromOffset,
  readOptionalText,
  readUserFile,
  writePrivateFile,
} from "./files.ts";

/** What the root needs from the process. */
export interface ProcessEdges {
  /** Writes a line for the person at the terminal (stderr). */
  stderr(text: string): void;
  /** The environment variables at start. */
  vars: Record<string, string>;
  /** Sets a variable for child processes. */
  setEnv(key: string, value: string): void;
  /** `--debug`: diagnostics on stderr. */
  debug?: boolean;
  /**
   * Whether stderr is a terminal: then an AWS call unanswered after 2 s says on stderr what is
   * being waited for (a person would otherwise stare at silence until the timeout).
   */
  stderrIsTerminal?: boolean;
}

/** Memoises an async factory. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => value ??= make();
}

/** A module imported on first use; the specifier is computed so start-up never resolves it. */
function lazy<T>(specifier: string): () => Promise<T> {
  return once(() => import(specifier) as Promise<T>);
}

const configModule = lazy<typeof import("./config_source.ts")>("./config_source.ts");
const sourcesModule = lazy<typeof import("./credential_sources.ts")>("./credential_sources.ts");
const fetchModule = lazy<typeof import("./aws/fetch_transport.ts")>("./aws/fetch_transport.ts");
const sdkModule = lazy<typeof import("./aws/sdk.ts")>("./aws/sdk.ts");
const childModule = lazy<typeof import("./child_process.ts")>("./child_process.ts");
const pluginModule = lazy<typeof import("./plugin_host/configured_calls.ts")>(
  "./plugin_host/configured_calls.ts",
);
const storesModule = lazy<typeof import("./stores/open.ts")>("./stores/open.ts");
const serverModule = lazy<typeof import("./credential_server.ts")>("./credential_server.ts");
const signinModule = lazy<typeof import("./console_signin.ts")>("./console_signin.ts");
const systemModule = lazy<typeof import("./system_probe.ts")>("./system_probe.ts");
const brokerModule = lazy<typeof import("./broker/ports.ts")>("./broker/ports.ts");
const callModule = lazy<typeof import("./aws/aws_call.ts")>("./aws/aws_call.ts");

/** The real dependencies of this process. */
export function createDeps(edges: ProcessEdges): Deps {
  const env: Environment = environmentOf(edges.vars);
  const warn = (message: string) => edges.stderr(`sentinel: warning: ${message}\n`);
  const debug = debugReporter(edges);
  const slowNotices = once(() => reportSlowCalls(edges));
  const deps: Deps = {
    env,
    clock: {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    ids: { newId: randomHex16 },
    config: { load: once(() => loadConfigFiles(env, debug)) },
    cache: new FileCache(env, warn),
    decisionLog: { append: async (path, record) => void await appendDecision(path, record) },
    files: USER_FILES,
    warn,
    debug,
    setChildEnv: edges.setEnv,
    baseCredentials: once<BaseCredentialProvider>(async () =>
      (await sourcesModule()).baseCredentialProvider(env, debug)
    ),
    system: once(async () => (await systemModule()).createSystemProbe(env)),
    aws: once(() => awsTransport(env, edges, debug, slowNotices)),
    // The host gets the environment, the configuration and the base-credential sources from here.
    plugins: once<PluginCaller>(async () => (await pluginModule()).configuredCaller(deps)),
    processes: once(childProcesses),
    credentialServer: async () => (await serverModule()).credentialServer,
    consoleSignin: async () => (await signinModule()).consoleSignin,
    broker: once(async () => (await brokerModule()).brokerPorts(env.get)),
    stores: storeOpener(env, slowNotices),
  };
  return deps;
}

/** `--debug`: each diagnostic on stderr with the milliseconds since start; else nothing. */
function debugReporter(edges: ProcessEdges): (message: string) => void {
  if (!edges.debug) return () => {};
  const started = performance.now();
  return (message: string) =>
    edges.stderr(
      `sentinel: debug: [${String(Math.round(performance.now() - started)).padStart(5)} ms] ${
        displaySafe(message)
      }\n`,
    );
}

/** The configuration files, loaded, with what was found reported to `debug`. */
async function loadConfigFiles(
  env: Environment,
  debug: (message: string) => void,
): Promise<LoadedConfig> {
  const { awsConfig, awsCredentials, sentinelConfig } = env.paths;
  const loaded = await (await configModule()).loadConfig(env.paths);
  debug(
    `config files: AWS config ${awsConfig} (${loaded.aws.profiles.size} profiles), ` +
      `AWS credentials ${awsCredentials} (${loaded.aws.credentials.size} sections), ` +
      `Sentinel config ${sentinelConfig} (${
        Object.keys(loaded.sentinel.values).length
      } settings, ${loaded.sentinel.plugins.length} plugins)`,
  );
  return loaded;
}

/** On a terminal, a call without an answer after 2 s says what it waits for (stderr only). */
async function reportSlowCalls(edges: ProcessEdges): Promise<void> {
  if (edges.stderrIsTerminal !== true) return;
  const { onSlowCall, slowCallText } = await callModule();
  onSlowCall((site, waitedMs) =>
    edges.stderr(`sentinel: ${displaySafe(slowCallText(site, waitedMs))}\n`)
  );
}

/**
 * STS, SSM and IAM: the light fetch + SigV4 transport serves every call; SENTINEL_AWS_TRANSPORT=sdk
 * selects the AWS SDK instead (same ports, same contract tests), for endpoints only the SDK
 * understands.
 */
async function awsTransport(
  env: Environment,
  edges: ProcessEdges,
  debug: (message: string) => void,
  slowNotices: () => Promise<void>,
): Promise<AwsPorts> {
  await slowNotices();
  const options = { endpoints: env.get };
  const sdk = env.get("SENTINEL_AWS_TRANSPORT") === "sdk";
  debug(`AWS transport: ${sdk ? "the AWS SDK (SENTINEL_AWS_TRANSPORT=sdk)" : "fetch + SigV4"}`);
  const transport = sdk
    ? (await sdkModule()).createSdkTransport(options)
    : (await fetchModule()).createFetchTransport(options);
  return edges.debug ? timedTransport(transport, debug) : transport;
}

/** The user's files (src/adapters/files.ts). */
const USER_FILES: UserFiles = {
  readText: readUserFile,
  readOptional: readOptionalText,
  textHash: fileTextHash,
  writeText: (path, text) => Deno.writeTextFile(path, text),
  writePrivate: writePrivateFile,
  isReadOnly: isOwnerReadOnly,
  backup: backupFile,
  readFrom: readFromOffset,
};

/** Child processes: a command that could not start is an outcome, not an exception. */
async function childProcesses(): Promise<ChildProcesses> {
  const { CommandNotStarted, runForeground } = await childModule();
  return {
    async runForeground(command, args, childEnv) {
      try {
        return { started: true, exitCode: await runForeground(command, args, childEnv) };
      } catch (error) {
        if (!(error instanceof CommandNotStarted)) throw error;
        return { started: false, exitCode: error.exitCode, message: error.message };
      }
    },
  };
}

/**
 * The stores at a location. A store reached over AWS (DynamoDB) is only clients bound to one
 * call's deadline: a fresh one per opening, so a long wait can poll with a fresh deadline each
 * time. A file is opened once per process.
 */
function storeOpener(env: Environment, slowNotices: () => Promise<void>): Deps["stores"] {
  const opened = new Map<string, Promise<Stores>>();
  return (location, options) => {
    if ("call" in location) {
      return slowNotices().then(() => storesModule()).then((m) =>
        m.openStores(location, { endpoints: env.get })
      );
    }
    let stores = opened.get(location.text);
    if (stores === undefined) {
      stores = storesModule().then((m) => m.openStores(location, { endpoints: env.get }, options));
      stores.catch(() => opened.delete(location.text));
      opened.set(location.text, stores);
    }
    return stores;
  };
}

/** The transport with each call's duration reported to `debug` (never its arguments). */
function timedTransport(
  transport: AwsPorts,
  debug: (message: string) => void,
): AwsPorts {
  const timed = <T>(label: string, region: string, call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const report = (how: string) =>
      debug(`${label} in ${region}: ${how} after ${Math.round(performance.now() - start)} ms`);
    return call().then((value) => {
      report("ok");
      return value;
    }, (error) => {
      report("failed");
      throw error;
    });
  };
  const { sts, ssm, iam } = transport;
  return {
    iam: iam && {
      getRole: (c, call, name) =>
        timed(`IAM GetRole ${name}`, call.region, () => iam.getRole(c, call, name)),
      getRolePolicy: (c, call, role, policy) =>
        timed(
          `IAM GetRolePolicy ${role} ${policy}`,
          call.region,
          () => iam.getRolePolicy(c, call, role, policy),
        ),
      putRolePolicy: (c, call, role, policy, document) =>
        timed(
          `IAM PutRolePolicy ${role} ${policy}`,
          call.region,
          () => iam.putRolePolicy(c, call, role, policy, document),
        ),
    },
    sts: {
      getCallerIdentity: (c, call) =>
        timed("STS GetCallerIdentity", call.region, () => sts.getCallerIdentity(c, call)),
      assumeRole: (c, call, params) =>
        timed(
          `STS AssumeRole ${params.roleArn}`,
          call.region,
          () => sts.assumeRole(c, call, params),
        ),
    },
    ssm: {
      getParameter: (c, call, name) =>
        timed(`SSM GetParameter ${name}`, call.region, () => ssm.getParameter(c, call, name)),
      putParameter: (c, call, name, value, secure) =>
        timed(
          `SSM PutParameter ${name}`,
          call.region,
          () => ssm.putParameter(c, call, name, value, secure),
        ),
    },
  };
}

function randomHex16(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

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
import type { SsmPort, StsPort } from "../ports/aws.ts";
import type { BaseCredentialProvider } from "../ports/base_credentials.ts";
import type { LoadedConfig } from "../ports/config.ts";
import type { Deps } from "../ports/deps.ts";
import type { PluginCaller } from "../ports/plugins.ts";
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
const callModule = lazy<typeof import("./aws/aws_call.ts")>("./aws/aws_call.ts");

/** The real dependencies of this process. */
export function createDeps(edges: ProcessEdges): Deps {
  const env: Environment = environmentOf(edges.vars);
  const warn = (message: string) => edges.stderr(`sentinel: warning: ${message}\n`);
  const started = performance.now();
  const debug = edges.debug
    ? (message: string) =>
      edges.stderr(
        `sentinel: debug: [${String(Math.round(performance.now() - started)).padStart(5)} ms] ${
          displaySafe(message)
        }\n`,
      )
    : () => {};
  const config = once<LoadedConfig>(async () => {
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
  });
  // On a terminal, a call without an answer after 2 s says what it waits for (stderr only).
  const slowNotices = once(async () => {
    if (edges.stderrIsTerminal !== true) return;
    const { onSlowCall, slowCallText } = await callModule();
    onSlowCall((site, waitedMs) =>
      edges.stderr(`sentinel: ${displaySafe(slowCallText(site, waitedMs))}\n`)
    );
  });
  // The light fetch + SigV4 transport serves every call; SENTINEL_AWS_TRANSPORT=sdk selects the
  // AWS SDK instead (same ports, same contract tests), for endpoints only the SDK understands.
  const aws = once(async () => {
    await slowNotices();
    const options = { endpoints: env.get };
    const sdk = env.get("SENTINEL_AWS_TRANSPORT") === "sdk";
    debug(`AWS transport: ${sdk ? "the AWS SDK (SENTINEL_AWS_TRANSPORT=sdk)" : "fetch + SigV4"}`);
    const transport = sdk
      ? (await sdkModule()).createSdkTransport(options)
      : (await fetchModule()).createFetchTransport(options);
    return edges.debug ? timedTransport(transport, debug) : transport;
  });
  const stores = new Map<string, Promise<Stores>>();
  const deps: Deps = {
    env,
    clock: { now: () => Date.now() },
    ids: { newId: randomHex16 },
    config: { load: config },
    cache: new FileCache(env, warn),
    decisionLog: { append: async (path, record) => void await appendDecision(path, record) },
    files: {
      readText: readUserFile,
      readOptional: readOptionalText,
      textHash: fileTextHash,
      writeText: (path, text) => Deno.writeTextFile(path, text),
      writePrivate: writePrivateFile,
      isReadOnly: isOwnerReadOnly,
      backup: backupFile,
      readFrom: readFromOffset,
    },
    warn,
    debug,
    setChildEnv: edges.setEnv,
    baseCredentials: once<BaseCredentialProvider>(async () =>
      (await sourcesModule()).baseCredentialProvider(env, debug)
    ),
    system: once(async () => (await systemModule()).createSystemProbe(env)),
    aws: (): Promise<{ sts: StsPort; ssm: SsmPort }> => aws(),
    // The host gets the environment, the configuration and the base-credential sources from here.
    plugins: once<PluginCaller>(async () => (await pluginModule()).configuredCaller(deps)),
    processes: once(async () => {
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
    }),
    credentialServer: async () => (await serverModule()).credentialServer,
    consoleSignin: async () => (await signinModule()).consoleSignin,
    stores: (location, options) => {
      // A store reached over AWS (DynamoDB) is only clients bound to one call's deadline: a fresh
      // one per opening, so a long wait can poll with a fresh deadline each time. A file is
      // opened once.
      if ("call" in location) {
        return slowNotices().then(() => storesModule()).then((m) =>
          m.openStores(location, { endpoints: env.get })
        );
      }
      let opened = stores.get(location.text);
      if (opened === undefined) {
        opened = storesModule().then((m) =>
          m.openStores(location, { endpoints: env.get }, options)
        );
        opened.catch(() => stores.delete(location.text));
        stores.set(location.text, opened);
      }
      return opened;
    },
  };
  return deps;
}

/** The transport with each call's duration reported to `debug` (never its arguments). */
function timedTransport(
  transport: { sts: StsPort; ssm: SsmPort },
  debug: (message: string) => void,
): { sts: StsPort; ssm: SsmPort } {
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
  const { sts, ssm } = transport;
  return {
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

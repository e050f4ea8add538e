/**
 * A world of fakes behind every port of `Deps` (src/ports/deps.ts), for tests that run a use case
 * or a whole command in milliseconds: a fixed clock that only moves when told (or when something
 * sleeps on it), ids counted up, files and the decision log in memory, the issuance cache and the
 * stores in memory, STS and SSM in memory, base credentials from the AWS credentials file (as the
 * real source reads static keys) or from an aws-vault stand-in, plugins that record and can be
 * told to fail, and child processes, the browser and the credential endpoint recorded.
 *
 * The world outlives a process: `deps()` is one process's dependencies (its configuration loaded
 * once, as the real root does), and `run(argv)` one `sentinel` invocation through `runCli`, with
 * its stdout, stderr and exit code. Files, stores, cache, AWS and plugins are the world's, so what
 * one invocation leaves the next one finds — as on a real machine.
 *
 * The fakes with a contract suite pass it (stores: store_contract_test.ts; STS/SSM:
 * aws_transport_contract_test.ts); the others are small enough to read.
 *
 * @example
 * ```ts
 * const world = new FakeWorld({ awsConfig: "[default]\nregion = us-east-1\n" });
 * const run = await world.run(["profiles", "--output", "json"]);
 * ```
 * @module
 */
import { configProfileName, parseAwsIni } from "../../src/core/aws_config/ini.ts";
import type { BrokerPorts } from "../../src/ports/broker.ts";
import type { AwsConfigFiles, ProfileSection } from "../../src/core/aws_config/profile.ts";
import { type Environment, environmentOf } from "../../src/core/environment.ts";
import { SentinelError } from "../../src/core/errors.ts";
import type { PluginEntry } from "../../src/core/plugin_entry.ts";
import type { AwsCredentials } from "../../src/ports/aws.ts";
import type {
  BaseCredentialProvider,
  BaseCredentialRequest,
} from "../../src/ports/base_credentials.ts";
import type { Clock, IdSource } from "../../src/ports/clock.ts";
import type { LoadedConfig, SentinelConfig } from "../../src/ports/config.ts";
import type { ConsoleSignin } from "../../src/ports/console_signin.ts";
import type { CredentialServer, ServedAnswer } from "../../src/ports/credential_server.ts";
import type { Deps } from "../../src/ports/deps.ts";
import type { ChildProcesses } from "../../src/ports/processes.ts";
import type { SystemProbe } from "../../src/ports/system.ts";
import { parseSentinelConfig } from "../../src/core/config/sentinel_config.ts";
import { runCli } from "../../src/cli/program.ts";
import { capturedIo, type TerminalOptions } from "./captured_io.ts";
import { FakeAws, FakeIam } from "./fake_aws.ts";
import { FakePlugins } from "./fake_plugins.ts";
import { MemoryCache } from "./memory_cache.ts";
import { MemoryDecisionLog, MemoryFiles } from "./memory_files.ts";
import { MemoryStoreHost } from "./memory_stores.ts";

/** 2026-03-02 09:00 UTC, a Monday: where every world's clock starts unless told otherwise. */
export const WORLD_START = Date.UTC(2026, 2, 2, 9, 0, 0);

/** A clock that stands still until moved; sleeping on it moves it. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = WORLD_START) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(epochMs: number): void {
    this.#now = epochMs;
  }
  sleep(ms: number): Promise<void> {
    this.#now += ms;
    return Promise.resolve();
  }
}

/** Ids counted up, 16 hex digits as the real ones: `0000000000000001`, … */
export class CountingIds implements IdSource {
  #n = 0;
  newId(): string {
    return (++this.#n).toString(16).padStart(16, "0");
  }
}

/** What `exec` ran. */
export interface ForegroundRun {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** What a world starts with. */
export interface WorldOptions {
  start?: number;
  /** The environment (HOME defaults to /home/alice; nothing else is set). */
  vars?: Record<string, string>;
  /** Files by absolute path. */
  files?: Record<string, string>;
  /** Written to the environment's AWS config, AWS credentials and Sentinel config paths. */
  awsConfig?: string;
  awsCredentials?: string;
  sentinelConfig?: string;
  /** Plugins configured beside those of the Sentinel config file. */
  plugins?: PluginEntry[];
  /** Profiles whose keys aws-vault holds (and aws-vault counts as installed). */
  vault?: Record<string, AwsCredentials>;
}

/** One `sentinel` invocation's outcome. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as one JSON value. */
  json(): Record<string, unknown>;
  /** stderr as the JSON error of `--output json`. */
  error(): {
    exit_code: number;
    code: string;
    message: string;
    details: string[];
    /** The old name of `code`, kept for one release. */
    error: string;
  };
}

/** The fakes, shared by every process of the world. */
export class FakeWorld {
  readonly clock: FakeClock;
  readonly ids = new CountingIds();
  readonly files: MemoryFiles;
  readonly log: MemoryDecisionLog;
  readonly cache: MemoryCache;
  readonly aws: FakeAws;
  /** IAM: roles and their inline policies (none until a test adds them). */
  readonly iam = new FakeIam();
  readonly plugins = new FakePlugins();
  readonly stores: MemoryStoreHost;
  /** The stores' clock minus this machine's (DynamoDB's is AWS's, SQLite's the file system's). */
  storeSkewMs = 0;
  vars: Record<string, string>;
  readonly vault: Map<string, AwsCredentials>;
  readonly configuredPlugins: PluginEntry[];
  /** What every process asked the base-credential source for. */
  readonly baseRequests: BaseCredentialRequest[] = [];
  /** What `exec` ran; `exitCodes` says how each command ends (default 0), `missing` which are not found. */
  readonly foreground: ForegroundRun[] = [];
  readonly exitCodes = new Map<string, number>();
  readonly missing = new Set<string>();
  /** Sign-in tokens asked for, and URLs opened in the browser. */
  readonly signins: { endpoint: string; accessKeyId: string }[] = [];
  readonly opened: string[] = [];
  /** The answer function of each credential endpoint started (`exec --server`). */
  readonly endpoints: { answer: () => Promise<ServedAnswer>; closed: boolean }[] = [];
  /** Programs on PATH, by name. */
  readonly programs = new Map<string, string>();
  /** Variables processes set for their children. */
  readonly childEnv: Record<string, string> = {};
  /** Broker mode's ports, when a test gives them. */
  brokerPorts?: BrokerPorts;

  constructor(options: WorldOptions = {}) {
    this.clock = new FakeClock(options.start);
    this.vars = { HOME: "/home/alice", ...options.vars };
    this.files = new MemoryFiles(options.files);
    const paths = this.env().paths;
    if (options.awsConfig !== undefined) this.files.set(paths.awsConfig, options.awsConfig);
    if (options.awsCredentials !== undefined) {
      this.files.set(paths.awsCredentials, options.awsCredentials);
    }
    if (options.sentinelConfig !== undefined) {
      this.files.set(paths.sentinelConfig, options.sentinelConfig);
    }
    this.log = new MemoryDecisionLog(this.files);
    this.cache = new MemoryCache(() => this.env(), this.files);
    this.aws = new FakeAws({ clock: () => this.clock.now() });
    this.stores = new MemoryStoreHost({ clock: () => this.clock.now() + this.storeSkewMs });
    this.vault = new Map(Object.entries(options.vault ?? {}));
    if (options.vault !== undefined) this.programs.set("aws-vault", "/usr/local/bin/aws-vault");
    this.configuredPlugins = options.plugins ?? [];
  }

  env(): Environment {
    return environmentOf(this.vars);
  }

  /** The records of the default decision log. */
  logRecords(): Record<string, unknown>[] {
    return this.log.records(this.env().paths.defaultLogFile);
  }

  /** One process's dependencies; `stderr` hears its warnings (and `--debug` lines when asked). */
  deps(stderr: (text: string) => void = () => {}, debug = false): Deps {
    const env = this.env();
    let config: Promise<LoadedConfig> | undefined;
    return {
      env,
      clock: this.clock,
      ids: this.ids,
      config: { load: () => config ??= Promise.resolve().then(() => this.#loadConfig(env)) },
      cache: this.cache,
      decisionLog: this.log,
      files: this.files,
      warn: (message) => stderr(`sentinel: warning: ${message}\n`),
      debug: debug ? (message) => stderr(`sentinel: debug: ${message}\n`) : () => {},
      setChildEnv: (key, value) => void (this.childEnv[key] = value),
      baseCredentials: () => Promise.resolve(this.#baseCredentials(env)),
      aws: () => Promise.resolve({ sts: this.aws.sts, ssm: this.aws.ssm, iam: this.iam }),
      plugins: () => Promise.resolve(this.plugins),
      processes: () => Promise.resolve(this.#processes()),
      consoleSignin: () => Promise.resolve(this.#consoleSignin()),
      credentialServer: () => Promise.resolve(this.#credentialServer()),
      system: () => Promise.resolve(this.#system()),
      broker: () =>
        this.brokerPorts === undefined
          ? Promise.reject(
            new Error(
              "this world has no broker ports: set world.brokerPorts (or test against moto)",
            ),
          )
          : Promise.resolve(this.brokerPorts),
      stores: (location, options) =>
        Promise.resolve().then(() => this.stores.open(location, options)),
    };
  }

  /** Runs `sentinel <argv>` in this process, as a person at `terminal` would. */
  async run(argv: readonly string[], terminal: TerminalOptions = {}): Promise<CliRun> {
    const io = capturedIo(terminal);
    const code = await runCli(argv, io, this.deps(io.stderr, argv.includes("--debug")));
    return {
      code,
      stdout: io.out,
      stderr: io.err,
      json: () => JSON.parse(io.out),
      error: () => JSON.parse(io.err),
    };
  }

  #loadConfig(env: Environment): LoadedConfig {
    const { awsConfig, awsCredentials, sentinelConfig } = env.paths;
    const profiles = new Map<string, ProfileSection>();
    for (const [name, section] of parseAwsIni(this.files.get(awsConfig) ?? "", awsConfig)) {
      const profile = configProfileName(name);
      if (profile !== undefined) profiles.set(profile, section);
    }
    const credentials = new Map<string, ProfileSection>(
      parseAwsIni(this.files.get(awsCredentials) ?? "", awsCredentials),
    );
    const aws: AwsConfigFiles = {
      configPath: awsConfig,
      credentialsPath: awsCredentials,
      profiles,
      credentials,
    };
    const text = this.files.get(sentinelConfig) ?? "";
    const sentinel: SentinelConfig = text.trim() === ""
      ? { path: sentinelConfig, values: {}, plugins: [] }
      : parseSentinelConfig(text, sentinelConfig);
    return {
      aws,
      sentinel: { ...sentinel, plugins: [...sentinel.plugins, ...this.configuredPlugins] },
    };
  }

  /** Static keys as the credentials file holds them, aws-vault's, or the environment's. */
  #baseCredentials(env: Environment): BaseCredentialProvider {
    return {
      get: (request) => {
        this.baseRequests.push(structuredClone(request));
        if (request.source === "env") {
          const accessKeyId = env.get("AWS_ACCESS_KEY_ID");
          const secretAccessKey = env.get("AWS_SECRET_ACCESS_KEY");
          if (accessKeyId === undefined || secretAccessKey === undefined) {
            return Promise.reject(
              new SentinelError(
                "aws_failure",
                "no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
              ),
            );
          }
          return Promise.resolve({ credentials: { accessKeyId, secretAccessKey }, source: "env" });
        }
        const vaulted = request.sourceProfile === undefined
          ? undefined
          : this.vault.get(request.sourceProfile);
        if (request.source !== "sdk" && vaulted !== undefined && request.staticKeys === undefined) {
          return Promise.resolve({ credentials: vaulted, source: "aws-vault" });
        }
        if (request.source !== "aws-vault" && request.staticKeys !== undefined) {
          return Promise.resolve({ credentials: request.staticKeys, source: "credentials-file" });
        }
        return Promise.reject(
          new SentinelError(
            "aws_failure",
            `no base credentials for profile ${
              request.sourceProfile ?? "(none)"
            } from ${request.source}`,
          ),
        );
      },
    };
  }

  #processes(): ChildProcesses {
    return {
      runForeground: (command, args, env) => {
        this.foreground.push({ command, args, env });
        if (this.missing.has(command)) {
          return Promise.resolve({
            started: false,
            exitCode: 127,
            message: `${command}: command not found`,
          });
        }
        return Promise.resolve({ started: true, exitCode: this.exitCodes.get(command) ?? 0 });
      },
    };
  }

  #consoleSignin(): ConsoleSignin {
    return {
      signinToken: (endpoint, credentials) => {
        this.signins.push({ endpoint: endpoint.href, accessKeyId: credentials.accessKeyId });
        return Promise.resolve(`signin-token-${this.signins.length}`);
      },
      open: (url) => {
        this.opened.push(url);
        return Promise.resolve();
      },
    };
  }

  #credentialServer(): CredentialServer {
    return {
      start: (answer) => {
        const served = { answer, closed: false };
        this.endpoints.push(served);
        return Promise.resolve({
          url: `http://127.0.0.1:49152/credentials/${this.endpoints.length}`,
          token: `endpoint-token-${this.endpoints.length}`,
          close: () => {
            served.closed = true;
            return Promise.resolve();
          },
        });
      },
    };
  }

  #system(): SystemProbe {
    return {
      which: (name) => this.programs.get(name),
      isExecutable: (path) => [...this.programs.values()].includes(path),
      // An SQLite store the fake stores hold is a file there, as the real one would be.
      pathKind: (path) =>
        this.stores.state(`sqlite:${path}`) !== undefined ? "file" : this.files.kind(path),
      canCreateIn: () => true,
      awsVaultCredentials: () =>
        Promise.resolve(this.programs.has("aws-vault") ? [...this.vault.keys()] : undefined),
      awsServerTime: () => Promise.resolve(this.clock.now()),
    };
  }
}

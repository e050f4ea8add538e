/**
 * Everything a command or use case may reach outside the core, as one bundle of ports. The
 * composition root (src/adapters/deps.ts) builds the real ones once per process, each on first use,
 * so a cheap path (the warm `credentials`) loads nothing it does not touch; tests build their own.
 *
 * @module
 */
import type { Environment } from "../core/environment.ts";
import type { AwsPorts } from "./aws.ts";
import type { BaseCredentialProvider } from "./base_credentials.ts";
import type { BrokerPorts } from "./broker.ts";
import type { IssuanceCache } from "./cache.ts";
import type { Clock, IdSource } from "./clock.ts";
import type { ConfigSource } from "./config.ts";
import type { ConsoleSignin } from "./console_signin.ts";
import type { CredentialServer } from "./credential_server.ts";
import type { DecisionLog } from "./decision_log.ts";
import type { UserFiles } from "./files.ts";
import type { PluginCaller } from "./plugins.ts";
import type { ChildProcesses } from "./processes.ts";
import type { StoreLocation, Stores } from "./stores.ts";
import type { SystemProbe } from "./system.ts";

/** The process's dependencies. */
export interface Deps {
  readonly env: Environment;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly config: ConfigSource;
  readonly cache: IssuanceCache;
  readonly decisionLog: DecisionLog;
  readonly files: UserFiles;
  /** Reports a problem that did not stop the command (printed on stderr). */
  warn(message: string): void;
  /**
   * A diagnostic for `--debug` (config files, settings and where they came from, the credential
   * source and AWS transport, timings), printed on stderr only when asked for. Never a secret.
   */
  debug(message: string): void;
  /** Sets a variable for child processes of this one (the credential_process loop guard). */
  setChildEnv(key: string, value: string): void;
  baseCredentials(): Promise<BaseCredentialProvider>;
  /** STS, SSM and IAM (the transport is the composition root's choice). */
  aws(): Promise<AwsPorts>;
  plugins(): Promise<PluginCaller>;
  processes(): Promise<ChildProcesses>;
  /** The AWS console's federation endpoint and the browser (`login`). */
  consoleSignin(): Promise<ConsoleSignin>;
  /** Loopback credential endpoints (`exec --server`). */
  credentialServer(): Promise<CredentialServer>;
  /** Broker mode: the proof-checking STS, the HTTP listener (serve), the broker client. */
  broker(): Promise<BrokerPorts>;
  /** The machine, for the setup checks of `doctor` and `init`. */
  system(): Promise<SystemProbe>;
  /**
   * The approval and break-glass stores at `location` (opened once per location). With
   * `existing` (commands that read or act on what is stored), a store that does not exist is an
   * error that says how to create one, and nothing is created.
   */
  stores(location: StoreLocation, options?: { existing?: boolean }): Promise<Stores>;
}

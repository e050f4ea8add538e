/**
 * The process environment, read once: a snapshot of the variables and every path Sentinel and the
 * AWS tools use, derived from it (XDG directories, `AWS_CONFIG_FILE`, `SENTINEL_CONFIG`, …).
 * Pure: the variables are an argument.
 *
 * @example
 * ```ts
 * import { environmentOf } from "./environment.ts";
 *
 * const env = environmentOf({ HOME: "/home/alice" });
 * console.assert(env.paths.awsConfig === "/home/alice/.aws/config");
 * console.assert(env.paths.cacheDir === "/home/alice/.cache/sentinel");
 * ```
 * @module
 */

/** Where things live. */
export interface SentinelPaths {
  home: string;
  /** `$AWS_CONFIG_FILE` or `~/.aws/config`. */
  awsConfig: string;
  /** `$AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`. */
  awsCredentials: string;
  /** `$SENTINEL_CONFIG` or `$XDG_CONFIG_HOME/sentinel/config.yaml`. */
  sentinelConfig: string;
  /** `$SENTINEL_CACHE_DIR` or `$XDG_CACHE_HOME/sentinel`. */
  cacheDir: string;
  /** The default decision log: `$XDG_STATE_HOME/sentinel/decisions.jsonl`. */
  defaultLogFile: string;
  /** Where durable state lives (the SQLite store): `$XDG_DATA_HOME/sentinel`. */
  dataDir: string;
}

/** The environment as Sentinel sees it. */
export interface Environment {
  /** Every variable, as a snapshot taken at start. */
  readonly vars: Readonly<Record<string, string>>;
  /** One variable; an empty value counts as unset. */
  get(key: string): string | undefined;
  readonly paths: SentinelPaths;
}

/** Builds the environment from a snapshot of the variables. */
export function environmentOf(vars: Readonly<Record<string, string>>): Environment {
  const get = (key: string) => vars[key] === "" ? undefined : vars[key];
  const home = get("HOME") ?? ".";
  const xdg = (key: string, fallback: string) => get(key) ?? `${home}/${fallback}`;
  return {
    vars,
    get,
    paths: {
      home,
      awsConfig: get("AWS_CONFIG_FILE") ?? `${home}/.aws/config`,
      awsCredentials: get("AWS_SHARED_CREDENTIALS_FILE") ?? `${home}/.aws/credentials`,
      sentinelConfig: get("SENTINEL_CONFIG") ??
        `${xdg("XDG_CONFIG_HOME", ".config")}/sentinel/config.yaml`,
      cacheDir: get("SENTINEL_CACHE_DIR") ?? `${xdg("XDG_CACHE_HOME", ".cache")}/sentinel`,
      defaultLogFile: `${xdg("XDG_STATE_HOME", ".local/state")}/sentinel/decisions.jsonl`,
      dataDir: `${xdg("XDG_DATA_HOME", ".local/share")}/sentinel`,
    },
  };
}

/** Expands a leading `~/` to the home directory. */
export function expandHome(path: string, home: string): string {
  if (path === "~" || path.startsWith("~/")) return home + path.slice(1);
  return path;
}

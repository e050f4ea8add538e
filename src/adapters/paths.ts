/**
 * Where Sentinel and the AWS tools keep their files. No npm imports: used on the warm path.
 *
 * @module
 */

/** Reads one environment variable. */
export type EnvLookup = (key: string) => string | undefined;

/** Expands a leading `~/` to the home directory. */
export function expandHome(path: string, env: EnvLookup): string {
  if (path === "~" || path.startsWith("~/")) return (env("HOME") ?? "") + path.slice(1);
  return path;
}

/** `$XDG_CACHE_HOME/sentinel` or `~/.cache/sentinel`. */
export function defaultCacheDir(env: EnvLookup): string {
  return `${env("XDG_CACHE_HOME") ?? `${env("HOME") ?? "."}/.cache`}/sentinel`;
}

/** `$XDG_STATE_HOME/sentinel/decisions.jsonl` or `~/.local/state/sentinel/decisions.jsonl`. */
export function defaultLogFile(env: EnvLookup): string {
  return `${
    env("XDG_STATE_HOME") ?? `${env("HOME") ?? "."}/.local/state`
  }/sentinel/decisions.jsonl`;
}

/** Paths of `~/.aws/config` and `~/.aws/credentials`, honouring `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`. */
export function awsConfigPaths(env: EnvLookup) {
  const home = env("HOME") ?? ".";
  return {
    configPath: env("AWS_CONFIG_FILE") ?? `${home}/.aws/config`,
    credentialsPath: env("AWS_SHARED_CREDENTIALS_FILE") ?? `${home}/.aws/credentials`,
  };
}

/** Path of the Sentinel config file: `$SENTINEL_CONFIG` or `~/.config/sentinel/config.yaml`. */
export function sentinelConfigPath(env: EnvLookup): string {
  return env("SENTINEL_CONFIG") ??
    `${env("XDG_CONFIG_HOME") ?? `${env("HOME") ?? "."}/.config`}/sentinel/config.yaml`;
}

/** The cache directory: `$SENTINEL_CACHE_DIR`, else `$XDG_CACHE_HOME/sentinel` or `~/.cache/sentinel`. */
export function cacheDir(env: EnvLookup): string {
  return env("SENTINEL_CACHE_DIR") || defaultCacheDir(env);
}

/** How a credential_process line can name this program: `sentinel`, or its entry module. */
export function selfInvocationNames(): string[] {
  const names = ["sentinel"];
  if (Deno.mainModule.startsWith("file:")) names.push(new URL(Deno.mainModule).pathname);
  return names;
}

/**
 * A throwaway home with no AWS behind it, for tests of what Sentinel does with files alone (init,
 * doctor, completions, cache clear, the config reader): `~/.aws/` with the config text given, and
 * the environment that points Sentinel and the AWS CLI at it.
 *
 * @module
 */
import { DENO_DIR } from "./tools.ts";

/** A home in a temporary folder; dispose it to remove the folder. */
export interface PlainHome extends AsyncDisposable {
  dir: string;
  /** HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE in this home, Deno's cache, and more. */
  env: Record<string, string>;
}

/** Options of {@link plainHome}. */
export interface PlainHomeOptions {
  /** The temporary folder's name prefix. */
  prefix?: string;
  /** `~/.aws/config`; without it the file does not exist. */
  config?: string;
  /** More environment, given the home's folder. */
  env?: (dir: string) => Record<string, string>;
}

/** Creates the home: `~/.aws/`, and `~/.aws/config` when `config` is given. */
export async function plainHome(options: PlainHomeOptions = {}): Promise<PlainHome> {
  const dir = await Deno.makeTempDir({ prefix: options.prefix ?? "sentinel-home-" });
  await Deno.mkdir(`${dir}/.aws`);
  if (options.config !== undefined) await Deno.writeTextFile(`${dir}/.aws/config`, options.config);
  return {
    dir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      DENO_DIR,
      ...options.env?.(dir),
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

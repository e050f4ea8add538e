/**
 * The machine as `doctor` and `init` see it (see ports/system.ts): PATH lookups, what is at a
 * path, whether a folder takes new files, what aws-vault holds (`aws-vault list --credentials`,
 * which needs no passphrase), and STS's clock (the `Date` header of an unsigned request, so no
 * credentials are sent).
 *
 * @module
 */
import type { Environment } from "../core/environment.ts";
import { SentinelError } from "../core/errors.ts";
import type { PathKind, SystemProbe } from "../ports/system.ts";
import { displayEndpoint, resolveEndpoint } from "./aws/endpoints.ts";
import { awsVaultCredentialNames } from "./aws_vault_list.ts";

/** Whether `path` is an executable regular file. */
export function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The first executable `name` on `path` (a PATH value), or `undefined`. */
export function whichOn(name: string, path: string | undefined): string | undefined {
  if (name.includes("/")) return isExecutableFile(name) ? name : undefined;
  for (const dir of (path ?? "").split(":")) {
    if (dir !== "" && isExecutableFile(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/** The real probe. */
export function createSystemProbe(env: Environment): SystemProbe {
  return {
    which: (name) => whichOn(name, env.get("PATH")),
    isExecutable: isExecutableFile,
    pathKind(path: string): PathKind {
      try {
        const info = Deno.statSync(path);
        return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
      } catch {
        return "missing";
      }
    },
    canCreateIn(dir: string): boolean {
      const probe = `${dir}/.sentinel-probe-${crypto.randomUUID()}`;
      try {
        Deno.openSync(probe, { write: true, createNew: true, mode: 0o600 }).close();
        Deno.removeSync(probe);
        return true;
      } catch {
        return false;
      }
    },
    awsVaultCredentials(): Promise<string[] | undefined> {
      if (whichOn("aws-vault", env.get("PATH")) === undefined) return Promise.resolve(undefined);
      return awsVaultCredentialNames();
    },
    async awsServerTime(region: string, signal: AbortSignal): Promise<number> {
      const { url } = resolveEndpoint(env.get, "sts", region);
      let response: Response;
      try {
        response = await fetch(url, { method: "GET", signal });
        await response.body?.cancel();
      } catch (error) {
        throw new SentinelError(
          "aws_failure",
          `cannot reach STS at ${displayEndpoint(url)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const date = Date.parse(response.headers.get("date") ?? "");
      if (Number.isNaN(date)) {
        throw new SentinelError(
          "aws_failure",
          `STS at ${displayEndpoint(url)} answered without a Date header`,
        );
      }
      return date;
    },
  };
}

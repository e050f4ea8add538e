/**
 * Issuance as the `credentials` and `exec` commands run it: the use case wired to the process's
 * environment, clock, randomness and cache, with its warnings printed on stderr.
 *
 * @module
 */
import { CredentialCache } from "../app/credential_cache.ts";
import { issueCredentials, type IssueRequest, type IssueResult } from "../app/issue_credentials.ts";
import { cacheDir } from "../adapters/paths.ts";
import type { CommandContext } from "./context.ts";

/** Issues credentials for a command, reporting non-fatal warnings. */
export async function issueForCommand(
  ctx: CommandContext,
  env: Record<string, string>,
  request: IssueRequest,
): Promise<IssueResult> {
  const result = await issueCredentials(request, {
    env,
    now: ctx.io.now,
    newRequestId: ctx.io.newRequestId,
    cache: new CredentialCache(cacheDir((key) => env[key])),
    setEnv: ctx.io.setEnv,
  });
  for (const warning of result.warnings) ctx.io.stderr(`sentinel: warning: ${warning}\n`);
  return result;
}

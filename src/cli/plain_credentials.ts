/**
 * `sentinel credentials <profile>` without the command tree: what the AWS CLI runs for every
 * command when the warm cache cannot serve it. It issues exactly as the `credentials` command
 * does (same use case, same output, same errors on stderr and exit codes), but without loading
 * the CLI parser and every other command, which cost more than the rest of a cold issuance. The
 * error renderer loads only when there is an error to render.
 *
 * @module
 */
import { issueCredentials } from "../app/issuance/issue.ts";
import { formatCredentialProcess } from "../core/issuance/credential_process.ts";
import { ExitCode } from "../core/errors.ts";
import type { Deps } from "../ports/deps.ts";
import type { CliIo } from "./context.ts";

/**
 * Issues credentials for `profile` (with v1's `--policy-parameter` as `policy`) and prints them,
 * after main.ts's warm attempt missed; returns the exit code.
 */
export async function plainCredentials(
  plain: { profile: string; policy?: string },
  io: CliIo,
  deps: Deps,
): Promise<number> {
  try {
    // main.ts tried the warm path for this request just now: the cold path does not again.
    const result = await issueCredentials(
      { ...plain, mode: "credential_process", warmTried: true },
      deps,
    );
    io.stdout(formatCredentialProcess(result.credentials) + "\n");
    return ExitCode.Ok;
  } catch (error) {
    // Computed: the error renderer (and what it imports) loads only when something failed.
    const failure = "./failure.ts";
    const { renderFailure } = await import(failure) as typeof import("./failure.ts");
    return renderFailure(error, "text", io);
  }
}

/**
 * `sentinel exec` as a use case: runs a command with credentials the policy allowed, in an
 * environment scrubbed of other AWS credentials, and returns the command's exit code. With
 * `server` the command gets a loopback credential endpoint instead of keys, and every refresh
 * faces the policy again (see issuance/serve_credentials.ts). What a person should hear on the
 * way (the subshell line, a refresh that failed, a default profile that shadows the endpoint) is
 * told through {@link ExecNotices}; the CLI words it.
 *
 * @module
 */
import { EXEC_MARKER, execEnvironment, serverExecEnvironment } from "../core/issuance/exec_env.ts";
import { pluginSecretEnvNames } from "../core/plugin_entry.ts";
import { SentinelError } from "../core/errors.ts";
import type { Deps } from "../ports/deps.ts";
import type { ForegroundOutcome } from "../ports/processes.ts";
import { issueCredentials } from "./issuance/issue.ts";
import { startCredentialServing } from "./issuance/serve_credentials.ts";

/** What `sentinel exec` runs. */
export interface ExecInput {
  profile: string;
  /** The command and its arguments; empty: `$SHELL` (a subshell). */
  command: readonly string[];
  policy?: string;
  durationSeconds?: number;
  /** Serve refreshed credentials on a loopback endpoint instead of putting keys in the env. */
  server?: boolean;
}

/** What exec tells the person while it runs. */
export interface ExecNotices {
  /** A subshell starts (no command was given); `until` is the session's end, when known. */
  subshell(until: number | undefined): void;
  /** The command could not be started. */
  notStarted(message: string): void;
  /** `--server`: the AWS files give the default profile credentials that win over the endpoint. */
  defaultProfileShadows(): void;
  /** `--server`: a policy decision ended serving. */
  ended(error: SentinelError): void;
  /** `--server`: a refresh failed and is tried again at the next request. */
  refreshFailed(error: SentinelError): void;
}

/** Runs the command as {@link ExecInput} says; returns its exit code. */
export async function runExec(deps: Deps, input: ExecInput, notices: ExecNotices): Promise<number> {
  const env = deps.env.vars;
  refuseNesting(env);
  const [command, ...args] = input.command.length > 0 ? input.command : [env.SHELL ?? "/bin/sh"];
  const request = {
    profile: input.profile,
    mode: "cli" as const,
    policy: input.policy,
    durationSeconds: input.durationSeconds,
  };
  // The plugins' *_env secrets are Sentinel's, not the child's.
  const secrets = pluginSecretEnvNames((await deps.config.load()).sentinel.plugins);
  const processes = await deps.processes();
  const run = async (childEnv: Record<string, string>) =>
    told(await processes.runForeground(command, args, childEnv), notices);
  if (input.server !== true) {
    const result = await issueCredentials(request, deps);
    if (input.command.length === 0) notices.subshell(result.credentials.expiration);
    return await run(
      execEnvironment(env, input.profile, result.credentials, result.region, secrets),
    );
  }
  const started = await startCredentialServing(request, deps, {
    ended: notices.ended,
    failed: notices.refreshFailed,
  });
  if (started.defaultProfileShadows) notices.defaultProfileShadows();
  if (input.command.length === 0) notices.subshell(undefined);
  try {
    return await run(
      serverExecEnvironment(env, input.profile, started.endpoint, started.first.region, secrets),
    );
  } finally {
    await started.endpoint.close();
  }
}

/** A nested exec is refused: one session at a time, and the prompt says which. */
function refuseNesting(env: Readonly<Record<string, string>>): void {
  if (env[EXEC_MARKER] === undefined) return;
  throw new SentinelError(
    "usage",
    `already inside \`sentinel exec ${
      env[EXEC_MARKER]
    }\`; exit that shell first instead of nesting sessions`,
  );
}

function told(outcome: ForegroundOutcome, notices: ExecNotices): number {
  if (!outcome.started) notices.notStarted(outcome.message);
  return outcome.exitCode;
}

/**
 * Runs a child process in the foreground: inherits the terminal, makes sure every catchable
 * terminating signal reaches it exactly once (the terminal's own signals reach the whole
 * foreground group by themselves; without a terminal the child has a process group of its own and
 * Sentinel forwards), and reports its exit code — 128 + the signal's number when a signal ended
 * it, as shells do. A command that cannot be started is a
 * {@link CommandNotStarted} with the shell's exit code: 127 not found, 126 not executable.
 *
 * @module
 */
import { forwardedSignals, signalExitCode } from "../core/issuance/signals.ts";

/** Exit code when the command cannot be found, as shells use. */
export const COMMAND_NOT_FOUND = 127;
/** Exit code when the command was found but cannot be executed, as shells use. */
export const COMMAND_NOT_EXECUTABLE = 126;

/** The command could not be started; `exitCode` is what a shell would exit with. */
export class CommandNotStarted extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, cause: unknown) {
    super(message, { cause });
    this.name = "CommandNotStarted";
    this.exitCode = exitCode;
  }
}

/** Runs `command args…` with exactly `env`; resolves to its exit code. */
export async function runForeground(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  // Listen before spawning: a signal that arrives while the child starts is held and then
  // forwarded, instead of killing Sentinel and orphaning the child.
  let child: Deno.ChildProcess | undefined;
  const pending: Deno.Signal[] = [];
  const deliver = (signal: Deno.Signal) => {
    try {
      child!.kill(signal);
    } catch { /* already gone */ }
  };
  // Signals the terminal sends to the whole foreground group (Ctrl-C, Ctrl-\\, a resize, a
  // hangup) reach the child by themselves: Sentinel only keeps them from ending itself. Without a
  // terminal, the child gets a process group of its own (setsid), so a signal to Sentinel's group
  // (a job runner's stop, `timeout`) reaches it exactly once: forwarded by Sentinel.
  const terminal = Deno.stdin.isTerminal();
  const isolate = !terminal && Deno.build.os !== "windows" && onPath("setsid");
  let launch: { command: string; args: string[] };
  try {
    launch = isolate ? { command: "setsid", args: [resolveCommand(command), ...args] } : {
      command,
      args,
    };
  } catch (error) {
    throw notStarted(command, error);
  }
  const listeners = forwardedSignals(Deno.build.os).map((signal) => {
    const byTerminal = terminal && TERMINAL_SIGNALS.has(signal);
    const forward = () =>
      byTerminal ? undefined : child === undefined ? pending.push(signal) : deliver(signal);
    Deno.addSignalListener(signal, forward);
    return () => Deno.removeSignalListener(signal, forward);
  });
  try {
    child = new Deno.Command(launch.command, {
      args: launch.args,
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    for (const remove of listeners) remove();
    throw notStarted(command, error);
  }
  for (const signal of pending) deliver(signal);
  try {
    const status = await child.status;
    if (status.signal !== null) return signalExitCode(status.signal, Deno.build.os, status.code);
    return status.code;
  } finally {
    for (const remove of listeners) remove();
  }
}

/** Signals a terminal sends to its whole foreground process group, the child included. */
const TERMINAL_SIGNALS: ReadonlySet<Deno.Signal> = new Set([
  "SIGINT",
  "SIGQUIT",
  "SIGWINCH",
  "SIGHUP",
  "SIGINFO",
] as Deno.Signal[]);

/**
 * The executable `command` names (through PATH when it has no slash), checked the way a shell
 * would: absent is 127, a directory or not executable is 126. Run through `setsid`, a missing
 * command would otherwise be setsid's error, not ours.
 */
function resolveCommand(command: string): string {
  const candidates = command.includes("/")
    ? [command]
    : (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "").map((dir) =>
      `${dir}/${command}`
    );
  let found: string | undefined;
  for (const path of candidates) {
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
      found ??= path;
    } catch { /* not here */ }
  }
  throw found === undefined
    ? new Deno.errors.NotFound(`command not found: ${command}`)
    : new Deno.errors.PermissionDenied(`${found} is not executable`);
}

function onPath(name: string): boolean {
  try {
    resolveCommand(name);
    return true;
  } catch {
    return false;
  }
}

/** Turns a spawn failure into the shell's answer, or passes on an error that is not one. */
function notStarted(command: string, error: unknown): unknown {
  if (error instanceof Deno.errors.NotFound) {
    return new CommandNotStarted(`command not found: ${command}`, COMMAND_NOT_FOUND, error);
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.IsADirectory) {
    return new CommandNotStarted(
      `${command}: ${
        isDirectory(command) ? "is a directory" : "permission denied (not executable)"
      }`,
      COMMAND_NOT_EXECUTABLE,
      error,
    );
  }
  return error;
}

/** Whether `command` names a directory, as a path or through PATH. */
function isDirectory(command: string): boolean {
  const candidates = command.includes("/")
    ? [command]
    : (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "").map((dir) =>
      `${dir}/${command}`
    );
  return candidates.some((path) => {
    try {
      return Deno.statSync(path).isDirectory;
    } catch {
      return false;
    }
  });
}

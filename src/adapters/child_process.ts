/**
 * Runs a child process in the foreground: inherits the terminal, forwards every catchable
 * terminating signal (and SIGWINCH) to it, and reports its exit code — 128 + the signal's number
 * when a signal ended it, as shells do.
 *
 * @module
 */
import { forwardedSignals, signalExitCode } from "../core/signals.ts";

/** Runs `command args…` with exactly `env`; resolves to its exit code. Throws NotFound. */
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
  const listeners = forwardedSignals(Deno.build.os).map((signal) => {
    const forward = () => child === undefined ? pending.push(signal) : deliver(signal);
    Deno.addSignalListener(signal, forward);
    return () => Deno.removeSignalListener(signal, forward);
  });
  try {
    child = new Deno.Command(command, {
      args,
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    for (const remove of listeners) remove();
    throw error;
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

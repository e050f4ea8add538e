/**
 * Signals for `sentinel exec`: their numbers per operating system (so a child killed by a signal
 * makes Sentinel exit 128 + its number, as shells do: 139 for SIGSEGV on both Linux and macOS,
 * 138 for SIGUSR1 on Linux but 158 on macOS), and which signals Sentinel passes on to its child.
 *
 * The operating system is an argument (`Deno.build.os` at the edge), so this stays pure.
 *
 * @module
 */

/** An operating system as `Deno.build.os` names it. */
export type OperatingSystem = typeof Deno.build.os;

/** Linux signal numbers (x86_64 and aarch64; the generic numbering). */
const LINUX: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  SIGUNUSED: 31,
};

/** macOS (and BSD) signal numbers. */
const DARWIN: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGEMT: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGBUS: 10,
  SIGSEGV: 11,
  SIGSYS: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGURG: 16,
  SIGSTOP: 17,
  SIGTSTP: 18,
  SIGCONT: 19,
  SIGCHLD: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGIO: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGINFO: 29,
  SIGUSR1: 30,
  SIGUSR2: 31,
};

const TABLES: Partial<Record<OperatingSystem, Partial<Record<Deno.Signal, number>>>> = {
  linux: LINUX,
  android: LINUX,
  darwin: DARWIN,
  freebsd: DARWIN,
  netbsd: DARWIN,
};

/** The signal's number on `os`, or `undefined` when it has none there. */
export function signalNumber(signal: Deno.Signal, os: OperatingSystem): number | undefined {
  return TABLES[os]?.[signal];
}

/**
 * The exit code of a child that a signal ended: 128 + the signal's number, as shells report it.
 * `fallback` (the runtime's own exit code for the child) serves for a signal the table lacks.
 */
export function signalExitCode(signal: Deno.Signal, os: OperatingSystem, fallback: number): number {
  const number = signalNumber(signal, os);
  return number === undefined ? fallback : 128 + number;
}

/**
 * Signals Sentinel catches and passes on to its child, so that neither dies alone: every signal
 * whose default action ends a process and that can be caught (SIGKILL and SIGSTOP cannot; SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT and SIGSYS report faults of the process itself, and
 * SIGPIPE, SIGXCPU and SIGXFSZ concern its own pipes and limits), plus SIGWINCH so a full-screen
 * child sees the terminal resize. Job control (SIGTSTP, SIGCONT, …) is left to the terminal.
 */
export function forwardedSignals(os: OperatingSystem): Deno.Signal[] {
  if (os === "windows") return ["SIGINT", "SIGBREAK"];
  const common: Deno.Signal[] = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGTERM",
    "SIGUSR1",
    "SIGUSR2",
    "SIGWINCH",
    "SIGALRM",
    "SIGVTALRM",
    "SIGPROF",
  ];
  if (os === "linux" || os === "android") return [...common, "SIGPWR", "SIGIO"];
  if (os === "darwin" || os.endsWith("bsd")) return [...common, "SIGINFO"];
  return common;
}

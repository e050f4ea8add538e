import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { forwardedSignals, signalExitCode, signalNumber } from "./signals.ts";

Deno.test("a signal ends a child with 128 + its number, per operating system", () => {
  const cases: [Deno.Signal, number, number][] = [
    // [signal, Linux exit code, macOS exit code]
    ["SIGHUP", 129, 129],
    ["SIGINT", 130, 130],
    ["SIGQUIT", 131, 131],
    ["SIGILL", 132, 132],
    ["SIGTRAP", 133, 133],
    ["SIGABRT", 134, 134],
    ["SIGBUS", 135, 138],
    ["SIGFPE", 136, 136],
    ["SIGKILL", 137, 137],
    ["SIGUSR1", 138, 158],
    ["SIGSEGV", 139, 139],
    ["SIGUSR2", 140, 159],
    ["SIGPIPE", 141, 141],
    ["SIGALRM", 142, 142],
    ["SIGTERM", 143, 143],
    ["SIGXCPU", 152, 152],
    ["SIGXFSZ", 153, 153],
    ["SIGVTALRM", 154, 154],
    ["SIGPROF", 155, 155],
    ["SIGWINCH", 156, 156],
    ["SIGSYS", 159, 140],
    ["SIGURG", 151, 144],
    ["SIGIO", 157, 151],
  ];
  for (const [signal, linux, darwin] of cases) {
    assertEquals(signalExitCode(signal, "linux", 1), linux, `${signal} on Linux`);
    assertEquals(signalExitCode(signal, "darwin", 1), darwin, `${signal} on macOS`);
  }
  assertEquals(signalExitCode("SIGPWR", "linux", 1), 158);
  assertEquals(signalExitCode("SIGSTKFLT", "linux", 1), 144);
  assertEquals(signalExitCode("SIGINFO", "darwin", 1), 157);
  assertEquals(signalExitCode("SIGEMT", "darwin", 1), 135);
});

Deno.test("a signal without a number on the system falls back to the runtime's code", () => {
  assertEquals(signalNumber("SIGINFO", "linux"), undefined);
  assertEquals(signalExitCode("SIGINFO", "linux", 157), 157);
  assertEquals(signalExitCode("SIGPWR", "darwin", 1), 1);
  assertEquals(signalExitCode("SIGTERM", "windows", 1), 1);
});

Deno.test("the Linux and macOS tables name a signal for every number from 1 to 31", () => {
  for (const os of ["linux", "darwin"] as const) {
    const seen = new Set<number>();
    for (let n = 1; n <= 31; n++) seen.add(n);
    const all: Deno.Signal[] = [
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGILL",
      "SIGTRAP",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGKILL",
      "SIGUSR1",
      "SIGSEGV",
      "SIGUSR2",
      "SIGPIPE",
      "SIGALRM",
      "SIGTERM",
      "SIGSTKFLT",
      "SIGCHLD",
      "SIGCONT",
      "SIGSTOP",
      "SIGTSTP",
      "SIGTTIN",
      "SIGTTOU",
      "SIGURG",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGVTALRM",
      "SIGPROF",
      "SIGWINCH",
      "SIGIO",
      "SIGPWR",
      "SIGSYS",
      "SIGEMT",
      "SIGINFO",
    ];
    for (const signal of all) {
      const number = signalNumber(signal, os);
      if (number !== undefined) seen.delete(number);
    }
    assertEquals([...seen], [], `${os}: numbers without a signal`);
  }
});

Deno.test("forwarded signals: catchable terminating ones and WINCH; never uncatchable or faults", () => {
  const linux = forwardedSignals("linux");
  for (
    const signal of [
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGTERM",
      "SIGUSR1",
      "SIGUSR2",
      "SIGWINCH",
      "SIGALRM",
      "SIGPWR",
    ] as const
  ) {
    assertTrue(linux.includes(signal), signal);
  }
  for (const os of ["linux", "darwin", "windows"] as const) {
    for (
      const signal of [
        "SIGKILL",
        "SIGSTOP",
        "SIGSEGV",
        "SIGILL",
        "SIGFPE",
        "SIGBUS",
        "SIGTSTP",
        "SIGCHLD",
      ] as const
    ) {
      assertTrue(!forwardedSignals(os).includes(signal), `${signal} on ${os}`);
    }
  }
  assertTrue(forwardedSignals("darwin").includes("SIGINFO"));
  assertTrue(!forwardedSignals("darwin").includes("SIGPWR"));
  assertEquals(forwardedSignals("windows"), ["SIGINT", "SIGBREAK"]);
});

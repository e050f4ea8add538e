/**
 * The command tree as a whole, in process: usage errors (exit 2, as text or JSON), aws-vault
 * habits answered with what to run instead, help and version (exit 0), completion scripts for
 * each shell, and `runCli` returning a code for any failure instead of exiting — an unexpected
 * exception is an internal error that asks to be reported (1).
 */
import { assertEquals, assertIncludes, assertMatch } from "../../test/assert.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";
import { capturedIo } from "../../test/support/captured_io.ts";
import { runCli } from "./program.ts";

Deno.test("an unknown command is a usage error (2) with a suggestion; --output json gives the error as JSON", async () => {
  const world = new FakeWorld();
  const text = await world.run(["credential", "prod"]);
  assertEquals([text.code, text.stdout], [2, ""]);
  assertIncludes(
    text.stderr,
    "sentinel: unknown command 'credential'\n  (Did you mean credentials?)\n",
  );
  assertIncludes(text.stderr, "(run with --help for usage and examples)");
  const json = await world.run(["credential", "prod", "--output", "json"]);
  assertEquals(json.error(), {
    exit_code: 2,
    code: "usage",
    message: "unknown command 'credential'",
    details: ["(Did you mean credentials?)"],
    error: "usage",
  });
});

Deno.test("aws-vault's commands that Sentinel leaves to aws-vault say what to run instead (2)", async () => {
  const run = await new FakeWorld().run(["rotate", "prod"]);
  assertEquals(run.code, 2);
  assertIncludes(run.stderr, "Sentinel leaves keys to aws-vault: run aws-vault rotate <profile>");
});

Deno.test("an unknown option and a missing argument are usage errors (2)", async () => {
  const world = new FakeWorld();
  assertEquals((await world.run(["credentials", "prod", "--colour"])).code, 2);
  assertEquals((await world.run(["approve"])).code, 2);
  assertEquals((await world.run(["check"])).code, 2);
});

Deno.test("--help prints usage with the exit codes (0); --version prints the version line (0)", async () => {
  const world = new FakeWorld();
  const help = await world.run(["--help"]);
  assertEquals(help.code, 0);
  assertIncludes(help.stdout, "Usage: sentinel");
  assertIncludes(help.stdout, "Exit codes:");
  const sub = await world.run(["breakglass", "--help"]);
  assertIncludes(sub.stdout, "Exit codes: 0 invoked,\n");
  assertIncludes(sub.stdout, "4 not allowed or rate-limited");
  const version = await world.run(["--version"]);
  assertEquals(version.code, 0);
  assertMatch(version.stdout, /^sentinel \d+\.\d+\.\d+ \(commit unknown, deno \d/);
});

Deno.test("completions prints a script for bash, zsh and fish naming the commands; another shell is a usage error (2)", async () => {
  const world = new FakeWorld();
  for (const shell of ["bash", "zsh", "fish"]) {
    const run = await world.run(["completions", shell]);
    assertEquals(run.code, 0, shell);
    for (const command of ["credentials", "breakglass", "requests"]) {
      assertIncludes(run.stdout, command, `${shell} offers ${command}`);
    }
  }
  const tcsh = await world.run(["completions", "tcsh"]);
  assertEquals(tcsh.code, 2);
  assertIncludes(tcsh.stderr, 'no completions for "tcsh": choose bash, zsh, fish');
});

Deno.test("runCli never throws: a failure it did not expect is an internal error (1) asking to be reported", async () => {
  const world = new FakeWorld({
    awsConfig: "[profile prod]\nsentinel_role_arn = arn:aws:iam::1:role/R\n",
  });
  const deps = world.deps();
  const broken = { ...deps, config: { load: () => Promise.reject(new TypeError("boom")) } };
  const io = capturedIo();
  const code = await runCli(["profiles"], io, broken);
  assertEquals([code, io.out], [1, ""]);
  assertEquals(
    io.err,
    "sentinel: internal error: boom; this is a bug, please report it with the command you ran\n",
  );
});

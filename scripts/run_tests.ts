/**
 * Runs the whole test suite: installs the test peers (moto, AWS CLI, aws-vault) when missing, then
 * runs every test with the Deno that runs this script — the core's unit tests and its JSDoc
 * examples first, with no permissions at all (proving the core is pure), then everything else with the permissions end-to-end tests need,
 * three test files at a time (`DENO_JOBS` to change that).
 * Extra arguments go to one `deno test` run instead (a file, `--filter`, …). The last line printed
 * is always `N passed, N failed`.
 *
 *   deno task test
 *   deno task test src/core/            # only the core's unit tests
 *
 * @module
 */
const root = new URL("..", import.meta.url).pathname;

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(command, {
    args,
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let captured = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      captured += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const { code } = await child.status;
  return { code, captured };
}

const setup = await run("bash", ["scripts/setup_test_env.sh"]);
if (setup.code !== 0) {
  console.log("setup of the test peers failed; see the messages above");
  console.log("0 passed, 1 failed");
  Deno.exit(1);
}

const tools = `${root}.tools`;
const path = `${tools}/bin:${tools}/venv/bin:${Deno.env.get("PATH") ?? ""}`;
// End-to-end tests mostly wait on child processes and moto, so three files at a time keep two
// cores busy: the suite takes about half as long as one file at a time.
const env = { PATH: path, NO_COLOR: "1", DENO_JOBS: Deno.env.get("DENO_JOBS") ?? "3" };
const runs = Deno.args.length > 0
  ? [["test", "--allow-all", "--unstable-worker-options", ...Deno.args]]
  : [
    ["test", "--no-prompt", "--doc", "src/core/"],
    ["test", "--allow-all", "--unstable-worker-options", "--parallel", "--ignore=src/core/"],
  ];

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const args of runs) {
  const tests = await run(Deno.execPath(), args, env);
  const summary = [
    ...tests.captured.matchAll(/^(?:ok|FAILED) \| (\d+) passed.*?\| (\d+) failed/gm),
  ].at(-1);
  if (summary === undefined) {
    console.log("no test summary found: the test run did not complete");
    failed += 1;
    exitCode = tests.code === 0 ? 1 : tests.code;
    continue;
  }
  passed += Number(summary[1]);
  failed += Number(summary[2]);
  if (tests.code !== 0) exitCode = tests.code;
}
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(exitCode);

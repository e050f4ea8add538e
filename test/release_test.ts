/**
 * The release pipeline as far as it can run here: the smoke test that every release binary must
 * pass, run against Sentinel from source with the binary's flags (and against a fake executable,
 * which must fail every check); and the workflow's shape — the five targets of the compile plan
 * each smoke-tested on its own OS and architecture, the plan checked before compiling, the SBOM
 * attached, SHA256SUMS signed keyless and verified. And the CI workflow's: every push and pull
 * request runs exactly `deno task check` and the README's test command.
 */
import { parse } from "yaml";
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { TARGETS } from "../scripts/compile_plan.ts";
import { smoke } from "../scripts/smoke.ts";
import { sentinelCommand } from "./harness/sentinel.ts";
import { ROOT } from "./harness/tools.ts";

Deno.test("the release smoke test passes on Sentinel run with the binary's flags", async () => {
  const results = await smoke(sentinelCommand());
  assertEquals(
    results.map((r) => r.name),
    [
      "--version",
      "check (allow)",
      "check (deny)",
      "policy test",
      "bundled plugin (file_sink)",
      "hostile plugin contained",
    ],
  );
  for (const r of results) assertTrue(r.ok, `${r.name}: ${r.detail}`);
});

Deno.test("the release smoke test fails every check on an executable that is not Sentinel", async () => {
  const results = await smoke(["/bin/echo"]);
  assertEquals(results.length, 6);
  for (const r of results) assertTrue(!r.ok, `${r.name} passed on /bin/echo: ${r.detail}`);
});

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  "runs-on": string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: { target: string; runner: string }[] } };
  steps: Step[];
}

Deno.test("release.yml: tag-triggered; plan checked, five targets compiled, each smoke-tested natively, SBOM attached, SHA256SUMS signed", async () => {
  const workflow = parse(await Deno.readTextFile(`${ROOT}.github/workflows/release.yml`));
  assertEquals(workflow.on, { push: { tags: ["v*"] } });
  assertEquals(workflow.permissions, { contents: "read" });
  assertEquals(workflow.env.DENO_VERSION, "v2.9.6");
  const jobs: Record<string, Job> = workflow.jobs;
  const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");

  const build = runs(jobs.build);
  const order = ["deno task compile --dry-run", "deno task compile\n", "deno task sbom --output"];
  const positions = order.map((text) => (build + "\n").indexOf(text));
  assertTrue(positions.every((p) => p >= 0), `build lacks one of ${order.join(", ")}`);
  assertEquals([...positions].sort((a, b) => a - b), positions, "plan → compile → SBOM");
  assertIncludes(build, '"$GITHUB_REF_NAME" != "v$version"'); // the tag names the version

  const matrix = jobs.smoke.strategy!.matrix.include;
  assertEquals(matrix.map((m) => m.target), [...TARGETS]);
  const runners = Object.fromEntries(matrix.map((m) => [m.target, m.runner]));
  // Native: an ARM runner for aarch64, Intel for x86_64 macOS, Windows for Windows.
  assertTrue(runners["aarch64-unknown-linux-gnu"].endsWith("-arm"));
  assertTrue(runners["x86_64-apple-darwin"].includes("intel"));
  assertTrue(
    runners["aarch64-apple-darwin"].startsWith("macos-") &&
      !runners["aarch64-apple-darwin"].includes("intel"),
  );
  assertTrue(runners["x86_64-pc-windows-msvc"].startsWith("windows-"));
  assertTrue(
    runners["x86_64-unknown-linux-gnu"].startsWith("ubuntu-") &&
      !runners["x86_64-unknown-linux-gnu"].endsWith("-arm"),
  );
  assertEquals(jobs.smoke.needs, "build");
  assertIncludes(runs(jobs.smoke), 'deno run --allow-all scripts/smoke.ts -- "$exe"');

  const release = jobs.release;
  assertEquals(release.needs, ["build", "smoke"]);
  assertEquals(release.permissions, { contents: "write", "id-token": "write" });
  const publish = runs(release);
  assertIncludes(publish, "sha256sum --check SHA256SUMS");
  assertIncludes(publish, "sha256sum sentinel-*.cdx.json >> SHA256SUMS");
  assertIncludes(publish, "cosign sign-blob --yes --bundle SHA256SUMS.sigstore.json SHA256SUMS");
  assertIncludes(publish, "cosign verify-blob --bundle SHA256SUMS.sigstore.json");
  assertIncludes(publish, "--certificate-oidc-issuer https://token.actions.githubusercontent.com");
  assertIncludes(publish, 'gh release create "$GITHUB_REF_NAME" dist/*');
  assertTrue(release.steps.some((s) => s.uses?.startsWith("sigstore/cosign-installer@")));
});

Deno.test("ci.yml: on every push and pull request, runs exactly `deno task check` and the README's test command, read-only, with a timeout", async () => {
  const workflow = parse(await Deno.readTextFile(`${ROOT}.github/workflows/ci.yml`));
  assertEquals(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
  assertEquals(workflow.on.push ?? null, null, "every push, no branch or path filter");
  assertEquals(workflow.on.pull_request ?? null, null, "every pull request");
  assertEquals(workflow.permissions, { contents: "read" });

  // The README's test command: the `npx … task test` line of its first sh block.
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
  const testCommand = firstBlock.split("\n").find((line) => / task test$/.test(line));
  assertEquals(testCommand, "npx -y deno@2.9.6 task test");
  const checkCommand = testCommand!.replace(/ task test$/, " task check");

  const jobs: Record<string, Job & { "timeout-minutes"?: number }> = workflow.jobs;
  assertEquals(Object.keys(jobs).length, 1);
  const [job] = Object.values(jobs);
  assertTrue((job["timeout-minutes"] ?? 0) > 0, "a timeout");
  assertEquals(job.permissions, undefined, "no job widens the permissions");
  assertEquals(job.steps.flatMap((s) => s.run === undefined ? [] : [s.run.trim()]), [
    checkCommand,
    testCommand,
  ]);
  const uses = (action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));
  assertTrue(uses("actions/checkout") !== undefined);
  assertEquals(uses("actions/setup-node")?.with?.["node-version"], "20");
  assertEquals(uses("actions/setup-python")?.with?.["python-version"], "3.11");
  assertTrue(uses("actions/setup-go") !== undefined, "Go builds aws-vault");
});

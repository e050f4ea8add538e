/**
 * What a cold `sentinel credentials <profile>` loads before it needs anything more: the plain
 * credentials path (src/cli/plain_credentials.ts, which main.ts imports after a warm miss) and the
 * AWS-file and config loaders reach no npm package — not commander, not yaml or zod (a new policy
 * or a Sentinel config file imports them on demand), not ini (ported), not the AWS SDK. The same
 * walk finds those packages where they are still loaded, so these checks can fail. `yaml` loads as
 * its own ES-module build (vendor/yaml.ts), never as the npm package's CommonJS build, which costs
 * ~45 ms more.
 */
import { assertEquals } from "./assert.ts";
import { moduleReach, parsePackageId } from "../scripts/module_graph.ts";
import { ROOT } from "./harness/tools.ts";

Deno.test("the cold credentials path and the config loader load no npm package up front", async () => {
  for (const file of ["src/cli/plain_credentials.ts", "src/adapters/config_source.ts"]) {
    const reach = await moduleReach(ROOT, file);
    assertEquals(reach.npmPackages, [], file);
    assertEquals(reach.modules.filter((m) => !m.startsWith("file:")), [], file);
  }
});

Deno.test("the walk sees the npm packages the on-demand modules load", async () => {
  const names = (ids: string[]) => ids.map((id) => parsePackageId(id).name);
  const policy = await moduleReach(ROOT, "src/core/policy/load.ts");
  assertEquals(names(policy.npmPackages).includes("zod"), true);
  assertEquals(
    names(policy.npmPackages).includes("yaml"),
    false,
    "yaml must load as vendor/yaml.ts's ESM build",
  );
  assertEquals(policy.vendoredPackages, ["yaml@2.9.1"]);
  assertEquals(policy.modules.some((m) => /\/vendor\/yaml@[^/]+\/dist\/index\.js$/.test(m)), true);
  const program = names((await moduleReach(ROOT, "src/cli/program.ts")).npmPackages);
  assertEquals(program.includes("@commander-js/extra-typings"), true);
  assertEquals(program.includes("commander"), true);
  const transport = await moduleReach(ROOT, "src/adapters/aws/fetch_transport.ts");
  assertEquals(names(transport.npmPackages).includes("aws4fetch"), true);
});

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
import { moduleReach } from "./harness/module_graph.ts";

Deno.test("the cold credentials path and the config loader load no npm package up front", async () => {
  for (const file of ["src/cli/plain_credentials.ts", "src/adapters/config_source.ts"]) {
    const reach = await moduleReach(file);
    assertEquals(reach.npmPackages, [], file);
    assertEquals(reach.modules.filter((m) => !m.startsWith("file:")), [], file);
  }
});

Deno.test("the walk sees the npm packages the on-demand modules load", async () => {
  const names = async (file: string) =>
    (await moduleReach(file)).npmPackages.map((id) => id.slice(0, id.lastIndexOf("@")));
  const policy = await moduleReach("src/core/policy/load.ts");
  const policyPackages = await names("src/core/policy/load.ts");
  assertEquals(policyPackages.includes("zod"), true);
  assertEquals(
    policyPackages.includes("yaml"),
    false,
    "yaml must load as vendor/yaml.ts's ESM build",
  );
  assertEquals(policy.modules.some((m) => /\/vendor\/yaml@[^/]+\/dist\/index\.js$/.test(m)), true);
  assertEquals((await names("src/cli/program.ts")).includes("@commander-js/extra-typings"), true);
  assertEquals((await names("src/adapters/aws/fetch_transport.ts")).includes("aws4fetch"), true);
});

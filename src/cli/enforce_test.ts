/**
 * `sentinel enforce trust-policy` and `enforce scp` in process: the IAM documents printed as JSON,
 * and the usage error when the flag they need is missing (2).
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";

Deno.test("enforce trust-policy prints a trust policy admitting the principal only with a Sentinel SourceIdentity", async () => {
  const run = await new FakeWorld().run([
    "enforce",
    "trust-policy",
    "--principal",
    "123456789012",
    "--external-id",
    "ext-1",
  ]);
  assertEquals([run.code, run.stderr], [0, ""]);
  const policy = JSON.parse(run.stdout);
  assertEquals(policy.Version, "2012-10-17");
  const text = JSON.stringify(policy);
  assertIncludes(text, "sts:SetSourceIdentity");
  assertIncludes(text, "sentinel=");
  assertIncludes(text, "ext-1");
});

Deno.test("enforce scp prints a service control policy for the protected roles", async () => {
  const run = await new FakeWorld().run(["enforce", "scp", "--role", "arn:aws:iam::*:role/Prod*"]);
  assertEquals(run.code, 0, run.stderr);
  assertIncludes(JSON.stringify(JSON.parse(run.stdout)), "arn:aws:iam::*:role/Prod*");
});

Deno.test("enforce without the principal or the roles is a usage error (exit 2)", async () => {
  const world = new FakeWorld();
  const trust = await world.run(["enforce", "trust-policy", "-o", "json"]);
  assertEquals([trust.code, trust.error().code, trust.stdout], [2, "usage", ""]);
  const scp = await world.run(["enforce", "scp"]);
  assertEquals(scp.code, 2);
  assertIncludes(scp.stderr, "name the protected roles");
});

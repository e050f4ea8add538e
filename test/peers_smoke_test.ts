/**
 * Proves each test peer runs here: moto answers the AWS SDK from Deno, aws-vault and the AWS CLI
 * start. Every later end-to-end test stands on these.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { assertEquals, assertMatch } from "./assert.ts";
import { startMoto } from "./harness/moto.ts";
import { toolPath } from "./harness/tools.ts";

async function runTool(path: string, args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await new Deno.Command(path, { args, env, stdin: "null" })
    .output();
  const decoder = new TextDecoder();
  return { code, out: decoder.decode(stdout) + decoder.decode(stderr) };
}

Deno.test("moto STS answers the AWS SDK from Deno through its endpoint", async () => {
  await using moto = await startMoto();
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret" },
  });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assertEquals(identity.Account, "123456789012");
  assertMatch(identity.Arn ?? "", /^arn:aws:(iam|sts)::123456789012:/);
  sts.destroy();
});

Deno.test("the AWS CLI runs and reaches moto through AWS_ENDPOINT_URL", async () => {
  const version = await runTool(toolPath("aws"), ["--version"]);
  assertEquals(version.code, 0);
  assertMatch(version.out, /^aws-cli\/1\./);
  await using moto = await startMoto();
  const identity = await runTool(toolPath("aws"), ["sts", "get-caller-identity"], {
    ...moto.clientEnv(),
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  });
  assertEquals(identity.code, 0, identity.out);
  assertEquals(JSON.parse(identity.out).Account, "123456789012");
});

Deno.test("aws-vault runs", async () => {
  const version = await runTool(toolPath("aws-vault"), ["--version"]);
  assertEquals(version.code, 0, version.out);
  assertMatch(version.out.trim(), /^v?7\.\d+\.\d+/);
});

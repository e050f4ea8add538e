/**
 * The deployment files on real peers (DESIGN §15; docs/deploy.md): the CloudFormation template
 * created by the real AWS CLI in moto's CloudFormation, its table compared with the one
 * `sentinel store init` makes and its protected role with what `sentinel enforce trust-policy`
 * prints (and `enforce plan` passes); then the Dockerfile's and the systemd unit's own command
 * lines and environments run — with /etc/sentinel and /var/lib/sentinel in a temporary folder,
 * the configuration of deploy/config/, the host role's session from a stand-in for the container
 * credentials endpoint (ECS, EKS Pod Identity) or the EC2 instance metadata service, and a
 * TLS-terminating proxy for the load balancer — and the real AWS CLI gets alice's credentials
 * through them. moto checks IAM
 * from the moment the stack exists, with the resources of DynamoDB and SSM calls
 * (moto_deploy_server.py), so the broker role's own policy is what lets it work.
 */
import { parse as parseYaml } from "yaml";
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { BROKER_POLICY } from "./harness/broker.ts";
import {
  awsJson,
  clientHome,
  containerCredentialsEndpoint,
  DEPLOY,
  type DeployedStack,
  deployStack,
  dockerEnv,
  dockerInstructions,
  environmentFile,
  execForm,
  expandVariables,
  finalStage,
  healthcheck,
  hostRoot,
  instanceMetadataEndpoint,
  parseUnit,
  REGION,
  startDeployedBroker,
  startDeployMoto,
  tlsProxy,
  unitEnvironment,
  unitValues,
  unitWords,
} from "./harness/deploy.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { testCertificates } from "./harness/tls.ts";
import { freePort } from "./harness/tools.ts";

/** The AWS CLI as `keys`, with nothing else of the test's environment. */
function as(stack: DeployedStack, keys: { accessKeyId: string; secretAccessKey: string }) {
  return {
    ...stack.adminEnv,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
  };
}

/** A table as describe-table shows it, reduced to what defines it, in a stable order. */
function tableShape(description: Record<string, unknown>) {
  const table = description.Table as {
    AttributeDefinitions: { AttributeName: string }[];
    KeySchema: unknown[];
    GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    BillingModeSummary?: { BillingMode: string };
  };
  const byName = <T>(key: (t: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
  return {
    attributes: [...table.AttributeDefinitions].sort(byName((a) => a.AttributeName)),
    key: table.KeySchema,
    indexes: table.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({
      IndexName,
      KeySchema,
      Projection,
    })).sort(byName((i) => i.IndexName)),
    billing: table.BillingModeSummary?.BillingMode,
  };
}

Deno.test("the CloudFormation template creates in moto's CloudFormation: the table store init makes, the trust policy enforce trust-policy prints (enforce plan: exit 0), the broker's store policy store init --print-iam prints", async () => {
  await using moto = await startDeployMoto();
  const stack = await deployStack(moto, {}, BROKER_POLICY);
  const { outputs, adminEnv } = stack;
  assertEquals(outputs.SentinelStore, "dynamodb:sentinel-state");
  const adminKeys = { ...adminEnv, AWS_REGION: REGION };

  // The table, against the one `sentinel store init` creates in the same moto.
  const init = await runSentinel(
    ["store", "init", "--store", "dynamodb:sentinel-reference", "--region", REGION],
    { env: adminKeys },
  );
  assertEquals(init.code, 0, init.stderr);
  const describe = (table: string) =>
    awsJson(["dynamodb", "describe-table", "--table-name", table], adminEnv);
  assertEquals(
    tableShape(await describe(outputs.TableName)),
    tableShape(await describe("sentinel-reference")),
  );
  // TTL: store init turns it on; the template declares it as --print-template does (moto's
  // CloudFormation does not apply TimeToLiveSpecification, so the stack's table cannot show it).
  const ttl = await awsJson(
    ["dynamodb", "describe-time-to-live", "--table-name", "sentinel-reference"],
    adminEnv,
  );
  assertEquals(ttl.TimeToLiveDescription, {
    TimeToLiveStatus: "ENABLED",
    AttributeName: "expires_at",
  });
  const template = parseYaml(
    await Deno.readTextFile(`${DEPLOY}cloudformation/sentinel-broker.yaml`),
  );
  const printed = await runSentinel([
    "store",
    "init",
    "--store",
    "dynamodb:sentinel-state",
    "--print-template",
  ], { env: adminKeys });
  assertEquals(printed.code, 0, printed.stderr);
  const printedTable = JSON.parse(printed.stdout).Resources.SentinelStateTable;
  assertEquals(template.Resources.SentinelStateTable, {
    ...printedTable,
    Properties: { ...printedTable.Properties, TableName: { Ref: "TableName" } },
  });

  // The protected role trusts exactly what enforce trust-policy prints for the broker role.
  const trust = await runSentinel([
    "enforce",
    "trust-policy",
    "--broker-role",
    outputs.BrokerRoleArn,
  ]);
  assertEquals(trust.code, 0, trust.stderr);
  const role = await awsJson(["iam", "get-role", "--role-name", "SentinelProd"], adminEnv) as {
    Role: { Arn: string; AssumeRolePolicyDocument: unknown };
  };
  assertEquals(role.Role.Arn, outputs.ProtectedRoleArn);
  assertEquals(role.Role.AssumeRolePolicyDocument, JSON.parse(trust.stdout));
  const plan = await runSentinel([
    "enforce",
    "plan",
    "--roles",
    "SentinelProd",
    "--broker-role",
    outputs.BrokerRoleArn,
    "--region",
    REGION,
  ], { env: adminKeys });
  assertEquals(plan.code, 0, plan.stdout + plan.stderr);
  assertIncludes(plan.stdout, "no one: only the broker");

  // The broker role's permissions on the store are what store init --print-iam prints.
  const tableArn = (await describe(outputs.TableName) as { Table: { TableArn: string } }).Table
    .TableArn;
  const iam = await runSentinel([
    "store",
    "init",
    "--store",
    "dynamodb:sentinel-state",
    "--print-iam",
    tableArn,
  ], { env: adminKeys });
  assertEquals(iam.code, 0, iam.stderr);
  const attached = await awsJson(
    ["iam", "list-attached-role-policies", "--role-name", "SentinelBroker"],
    adminEnv,
  ) as { AttachedPolicies: { PolicyArn: string }[] };
  assertEquals(attached.AttachedPolicies.length, 1);
  const policy = await awsJson(
    ["iam", "get-policy", "--policy-arn", attached.AttachedPolicies[0].PolicyArn],
    adminEnv,
  ) as { Policy: { DefaultVersionId: string } };
  const version = await awsJson([
    "iam",
    "get-policy-version",
    "--policy-arn",
    attached.AttachedPolicies[0].PolicyArn,
    "--version-id",
    policy.Policy.DefaultVersionId,
  ], adminEnv) as { PolicyVersion: { Document: { Statement: { Sid: string }[] } } };
  const statements = version.PolicyVersion.Document.Statement;
  assertEquals(
    statements.filter((s) => s.Sid.startsWith("SentinelStore")),
    JSON.parse(iam.stdout).Statement,
  );
  assertEquals(
    statements.find((s) => s.Sid === "SentinelProtectedRoles"),
    {
      Sid: "SentinelProtectedRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Resource: [outputs.ProtectedRoleArn],
    },
  );
});

/** What every broker run below checks once it serves: alice through it, nobody around it. */
async function issuesThroughTheBroker(
  stack: DeployedStack,
  broker: { url: string; caFile: string },
  stateDir: string,
) {
  const { outputs } = stack;
  await using alice = await clientHome(stack.moto, stack.keys.alice, broker.url, broker.caFile);
  const through = await aws(
    ["sts", "get-caller-identity", "--profile", "prod", "--output", "json"],
    alice.env,
  );
  assertEquals(through.code, 0, through.stderr);
  assertMatch(JSON.parse(through.stdout).Arn, /:assumed-role\/SentinelProd\/alice$/);

  // The broker took its identity from the host role (role_arn + credential_source), then
  // assumed the protected role with alice's stamp.
  const calls = await stack.moto.assumeRoleCalls();
  assertTrue(
    calls.some((c) => c.get("RoleArn") === outputs.BrokerRoleArn),
    "the broker role assumed from the host's session",
  );
  const stamped = calls.filter((c) => c.has("SourceIdentity"));
  assertEquals(stamped.map((c) => c.get("RoleArn")), [outputs.ProtectedRoleArn]);
  assertMatch(stamped[0].get("SourceIdentity") ?? "", /^sentinel=alice=[0-9a-f]{16}$/);

  // Neither alice (allowed everything by her own policy) nor the host itself may assume it.
  for (
    const [who, env] of [
      ["alice", as(stack, stack.keys.alice)],
      ["the host", {
        ...as(stack, stack.host),
        AWS_SESSION_TOKEN: stack.host.sessionToken,
      }],
    ] as const
  ) {
    const direct = await aws([
      "sts",
      "assume-role",
      "--role-arn",
      outputs.ProtectedRoleArn,
      "--role-session-name",
      "direct",
    ], env);
    assertTrue(direct.code !== 0, `${who} must not assume the protected role`);
    assertIncludes(direct.stderr, "AccessDenied");
  }

  // The decision log in the state directory; the store in the stack's table.
  const log = (await Deno.readTextFile(`${stateDir}/decisions.jsonl`)).trim().split("\n")
    .map((line) => JSON.parse(line));
  const issued = log.filter((r) => r.outcome === "issued");
  assertEquals(issued.map((r) => [r.user, r.profile]), [["alice", "prod"]]);
  assertEquals(issued[0].broker_id, broker.url);
  assertEquals(issued[0].source_identity, stamped[0].get("SourceIdentity"));
  const items = await awsJson(
    ["dynamodb", "scan", "--table-name", outputs.TableName, "--select", "COUNT"],
    stack.adminEnv,
  );
  assertTrue((items.Count as number) > 0, "the broker wrote its replay records to the table");
}

Deno.test("ECS: the Dockerfile's ENTRYPOINT and ENV, with the task role's credentials and deploy/config/, behind a TLS proxy: health check passes, alice gets prod, SIGTERM drains (exit 0)", async () => {
  await using moto = await startDeployMoto();
  const stack = await deployStack(moto, {}, BROKER_POLICY);
  await using certificates = await testCertificates();
  await using root = await hostRoot();
  await using task = await containerCredentialsEndpoint(stack.host);

  const image = finalStage(
    dockerInstructions(await Deno.readTextFile(`${DEPLOY}Dockerfile`)),
  );
  const entrypoint = execForm(image.find((i) => i.keyword === "ENTRYPOINT")!.rest)!;
  const check = healthcheck(image.find((i) => i.keyword === "HEALTHCHECK")!.rest);
  const listen = entrypoint.indexOf("--listen") + 1;
  assertEquals(entrypoint[listen], "0.0.0.0:8443");
  const port = freePort();
  await using proxy = tlsProxy(certificates, `http://127.0.0.1:${port}`);

  for (const file of ["aws-config", "config.yaml"]) {
    await Deno.writeTextFile(
      `${root.dir}/etc/sentinel/${file}`,
      root.mapText(await Deno.readTextFile(`${DEPLOY}config/${file}`)),
    );
  }
  // The container: its ENTRYPOINT (the port aside), the broker id as its command, its ENV with
  // the root's folders, and what ECS adds: the credentials endpoint (and here moto's address).
  const argv = [
    ...entrypoint.map((word, i) => i === listen ? `0.0.0.0:${port}` : root.map(word)),
    "--broker-id",
    proxy.url,
  ];
  const env = {
    ...Object.fromEntries(
      Object.entries(dockerEnv(image)).map(([k, v]) => [k, root.map(v)]),
    ),
    ...task.env,
    AWS_ENDPOINT_URL: moto.endpoint,
  };
  const client = Deno.createHttpClient({ caCerts: [certificates.ca] });
  await using broker = await startDeployedBroker(argv, env, {
    url: `${proxy.url}/v1/health`,
    client,
  });
  client.close();
  assertIncludes(broker.stderr(), `as ${proxy.url}`);
  assertIncludes(broker.stderr(), "assumed-role/SentinelBroker/sentinel-broker");
  assertIncludes(broker.stderr(), "store dynamodb:sentinel-state");

  // The image's HEALTHCHECK, as Docker runs it inside the container (the port aside).
  const [program, ...args] = check.command.map((w) => w.replaceAll("8443", String(port)));
  const health = await new Deno.Command(program, { args, stdout: "null", stderr: "piped" })
    .output();
  assertEquals(health.code, 0, new TextDecoder().decode(health.stderr));

  await issuesThroughTheBroker(
    stack,
    { url: proxy.url, caFile: certificates.caFile },
    `${root.dir}/var/lib/sentinel`,
  );
  assertTrue(task.served > 0, "the task role's credentials came from the container endpoint");
  const calls = broker.accessLog().filter((line) => line.path !== "/v1/health")
    .map((line) => `${line.method} ${line.path} ${line.status}`);
  assertEquals(calls, ["POST /v1/credentials 200"]);
  assertEquals(await broker.stop(), 0, broker.stderr());
});

/**
 * The systemd unit on an EC2 instance, as docs/deploy.md sets it up: behind a TLS-terminating
 * load balancer, or (`tlsInBroker`) with the tls.conf drop-in serving TLS itself.
 */
async function onEc2(tlsInBroker: boolean): Promise<void> {
  await using moto = await startDeployMoto();
  const stack = await deployStack(
    moto,
    { HostServicePrincipal: "ec2.amazonaws.com" },
    BROKER_POLICY,
  );
  const profile = await awsJson(
    ["iam", "get-instance-profile", "--instance-profile-name", "SentinelBrokerHost"],
    stack.adminEnv,
  ) as { InstanceProfile: { Arn: string; Roles: { Arn: string }[] } };
  assertEquals(profile.InstanceProfile.Arn, stack.outputs.HostInstanceProfileArn);
  assertEquals(profile.InstanceProfile.Roles.map((r) => r.Arn), [stack.outputs.HostRoleArn]);
  await using certificates = await testCertificates();
  await using root = await hostRoot();
  await using instance = instanceMetadataEndpoint(stack.host, "SentinelBrokerHost");

  const unit = parseUnit(await Deno.readTextFile(`${DEPLOY}systemd/sentinel-broker.service`));
  const dropIn = parseUnit(await Deno.readTextFile(`${DEPLOY}systemd/tls.conf`));
  // A drop-in's empty ExecStart= clears the unit's; its next one is the command.
  const execStart = tlsInBroker
    ? unitValues(dropIn, "Service", "ExecStart").at(-1)!
    : unitValues(unit, "Service", "ExecStart")[0];
  const words = unitWords(execStart);
  const listen = words.indexOf("--listen") + 1;
  assertEquals(words[listen], "0.0.0.0:8443");
  const port = freePort();
  await using proxy = tlsProxy(certificates, `http://127.0.0.1:${port}`);
  const url = tlsInBroker ? `https://127.0.0.1:${port}` : proxy.url;

  // /etc/sentinel as docs/deploy.md sets it up on EC2: the example files, the instance metadata
  // as the credential source (as aws-config's comment says), the broker id in broker.env, and
  // for TLS in the broker its certificate and key, which systemd copies into %d (LoadCredential=).
  const awsConfig = await Deno.readTextFile(`${DEPLOY}config/aws-config`);
  assertIncludes(awsConfig, "\ncredential_source = EcsContainer\n");
  await Deno.writeTextFile(
    `${root.dir}/etc/sentinel/aws-config`,
    awsConfig.replace(
      "\ncredential_source = EcsContainer\n",
      "\ncredential_source = Ec2InstanceMetadata\n",
    ),
  );
  await Deno.writeTextFile(
    `${root.dir}/etc/sentinel/config.yaml`,
    root.mapText(await Deno.readTextFile(`${DEPLOY}config/config.yaml`)),
  );
  const exampleEnv = await Deno.readTextFile(`${DEPLOY}systemd/broker.env`);
  assertIncludes(exampleEnv, "\nSENTINEL_BROKER_ID=https://sentinel.example.com\n");
  const [environmentFilePath] = unitValues(unit, "Service", "EnvironmentFile");
  await Deno.writeTextFile(
    root.map(environmentFilePath),
    exampleEnv.replace("https://sentinel.example.com", url),
  );
  const credentials = `${root.dir}/run/credentials/sentinel-broker.service`;
  await Deno.mkdir(credentials, { recursive: true });
  await Deno.mkdir(`${root.dir}/etc/sentinel/tls`);
  await Deno.copyFile(certificates.certFile, `${root.dir}/etc/sentinel/tls/cert.pem`);
  await Deno.copyFile(certificates.keyFile, `${root.dir}/etc/sentinel/tls/key.pem`);
  for (const credential of unitValues(dropIn, "Service", "LoadCredential")) {
    const [name, path] = credential.split(/:(.*)/);
    await Deno.copyFile(root.map(path), `${credentials}/${name}`);
  }

  // The service: Environment=, then EnvironmentFile=, ExecStart expanded from them and %d (as
  // systemd does), plus what an EC2 host has: the instance metadata service (here moto too).
  const env = {
    ...Object.fromEntries(
      Object.entries(unitEnvironment(unit)).map(([k, v]) => [k, root.map(v)]),
    ),
    ...environmentFile(await Deno.readTextFile(root.map(environmentFilePath))),
  };
  const argv = words.map((word, i) =>
    i === listen
      ? `0.0.0.0:${port}`
      : root.map(expandVariables(word, env).replace(/^%d\//, `${credentials}/`))
  );
  assertEquals(argv.slice(-2), ["--broker-id", url]);
  assertEquals(argv.includes("--behind-tls-proxy"), !tlsInBroker);
  const client = Deno.createHttpClient({ caCerts: [certificates.ca] });
  await using broker = await startDeployedBroker(
    argv,
    { ...env, ...instance.env, AWS_ENDPOINT_URL: moto.endpoint },
    { url: `${url}/v1/health`, client },
  );
  client.close();
  assertIncludes(broker.stderr(), `as ${url}`);
  assertIncludes(broker.stderr(), "assumed-role/SentinelBroker/sentinel-broker");

  await issuesThroughTheBroker(
    stack,
    { url, caFile: certificates.caFile },
    `${root.dir}/var/lib/sentinel`,
  );
  assertTrue(instance.served > 0, "the instance role's credentials came from the metadata service");
  assertEquals(proxy.forwarded > 0, !tlsInBroker);
  assertEquals(await broker.stop(), 0, broker.stderr());
}

Deno.test("EC2: the systemd unit's ExecStart and Environment= with broker.env, the instance profile's role from the metadata service, behind a TLS proxy: alice gets prod, SIGTERM drains (exit 0)", async () => {
  await onEc2(false);
});

Deno.test("EC2 with TLS in the broker: the unit with its tls.conf drop-in, the certificate and key through LoadCredential (%d): alice gets prod, SIGTERM drains (exit 0)", async () => {
  await onEc2(true);
});

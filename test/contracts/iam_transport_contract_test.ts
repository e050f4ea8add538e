/**
 * The IAM port's contract, kept by both AWS transports — the `fetch` one and the AWS SDK one —
 * with the same cases run against each (like aws_transport_contract_test.ts for STS and SSM), and
 * by the fast tests' fake (test/support/fake_aws.ts) wherever moto's IAM checks are not needed.
 * Against a real moto server: GetRole of a role with a path and a trust policy full of characters
 * that need encoding, the endpoint chosen by AWS_ENDPOINT_URL_IAM alone, NoSuchEntity;
 * PutRolePolicy then GetRolePolicy giving back the very text put (such characters, spaces and
 * newlines in it), a second put replacing the first, GetRolePolicy `undefined` for a policy the
 * role does not have and for a role that does not exist, PutRolePolicy on a missing role
 * (NoSuchEntity) and of a document that is no JSON (MalformedPolicyDocument); and — with moto's
 * IAM checks on — AccessDenied for a user without iam:GetRole, and for one without
 * iam:PutRolePolicy. Against a stand-in: the answers as real IAM sends them (documents
 * URL-encoded, NoSuchEntity as a 404), the signing region of the global endpoint (us-east-1
 * whatever the caller's region), a document that does not decode. IAM's default endpoints are
 * checked per partition. Every implementation must give the same result or the same message,
 * exit code 6, naming the role and the API.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { type MotoServer, startMoto } from "../harness/moto.ts";
import { ALLOW_ALL, checkIam, createRole, createUser, MOTO_ACCOUNT } from "../harness/moto_iam.ts";
import { serveStandIn, stsError } from "../harness/stand_in_aws.ts";
import { ExitCode, SentinelError } from "../../src/core/errors.ts";
import type { AwsCredentials, IamPort } from "../../src/ports/aws.ts";
import { createFetchTransport } from "../../src/adapters/aws/fetch_transport.ts";
import { createSdkTransport } from "../../src/adapters/aws/sdk.ts";
import { FakeAws, FakeIam } from "../support/fake_aws.ts";
import {
  displayEndpoint,
  type EndpointLookup,
  iamRegion,
  resolveEndpoint,
  type TransportOptions,
} from "../../src/adapters/aws/endpoints.ts";

const TRANSPORTS: Record<string, (options: TransportOptions) => { iam: IamPort }> = {
  fetch: createFetchTransport,
  sdk: createSdkTransport,
};

const KEY: AwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** A trust policy whose text needs URL encoding and XML escaping: `%`, `&`, `<`, `"`, ü, +. */
const TRUST = {
  Version: "2012-10-17",
  Statement: [{
    Sid: "Odd",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelBroker` },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    Condition: {
      StringLike: { "sts:SourceIdentity": ["sentinel=j\u00fcrgen+x=*", '50%&<a>"q"'] },
    },
  }],
};

const call = (region = "eu-central-1") => ({ region, signal: AbortSignal.timeout(10_000) });
const only = (name: string, endpoint: string): EndpointLookup => (v) =>
  v === name ? endpoint : undefined;

async function failure(run: () => Promise<unknown>): Promise<SentinelError> {
  try {
    await run();
  } catch (error) {
    assertTrue(error instanceof SentinelError, `expected a SentinelError, got ${error}`);
    assertTrue(!error.message.includes(KEY.secretAccessKey), error.message);
    return error;
  }
  throw new Error("the call succeeded; expected it to fail");
}

/** An inline policy whose text needs URL encoding and XML escaping, with spaces and newlines. */
const REVOCATION = `${
  JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [{
        Sid: "Revoked20261207",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: {
          StringLike: { "aws:SourceIdentity": ["sentinel=j\u00fcrgen+x=*", '50%&<a>"q" b~'] },
          DateLessThan: { "aws:TokenIssueTime": "2026-12-07T12:00:00Z" },
        },
      }],
    },
    null,
    2,
  )
}\n`;

/** The IAM port under test, as the cases against a working IAM need it. */
interface IamSubject {
  iam: IamPort;
  /** Creates a role (by the emulator's own means); resolves to its ARN. */
  createRole(name: string, trust: unknown, path?: string): Promise<string>;
  /** Where IAM was reached, as failure messages name it. */
  endpoint: string;
}

/** What every implementation of the IAM port does against a working IAM. */
async function workingIam(t: Deno.TestContext, subject: IamSubject) {
  const { iam, endpoint } = subject;
  const arn = await subject.createRole("SentinelProd", TRUST, "/ops/");

  await t.step("the role's ARN (with its path), name and trust policy, decoded", async () => {
    const role = await iam.getRole(KEY, call(), "SentinelProd");
    assertEquals([role.arn, role.name], [arn, "SentinelProd"]);
    assertEquals(arn, `arn:aws:iam::${MOTO_ACCOUNT}:role/ops/SentinelProd`);
    assertEquals(JSON.parse(role.trustPolicy), TRUST);
  });

  await t.step(
    "a role that does not exist: NoSuchEntity, exit 6, naming role and API",
    async () => {
      const error = await failure(() => iam.getRole(KEY, call(), "Missing"));
      assertEquals(error.exitCode, ExitCode.AwsFailure);
      assertTrue(
        error.message.startsWith(`IAM GetRole Missing failed at ${endpoint}: NoSuchEntity`),
        error.message,
      );
      assertTrue(
        error.message.endsWith(
          "; check the role's name, and that the credentials (--aws-profile) are of the role's account",
        ),
        error.message,
      );
    },
  );

  await t.step("GetRolePolicy gives back the very text PutRolePolicy put", async () => {
    await iam.putRolePolicy(KEY, call(), "SentinelProd", "SentinelRevocations", REVOCATION);
    assertEquals(
      await iam.getRolePolicy(KEY, call(), "SentinelProd", "SentinelRevocations"),
      REVOCATION,
    );
  });

  await t.step("a second PutRolePolicy replaces the document", async () => {
    const replacement = REVOCATION.replace("2026-12-07T12:00:00Z", "2026-12-08T08:30:00Z");
    await iam.putRolePolicy(KEY, call(), "SentinelProd", "SentinelRevocations", replacement);
    assertEquals(
      await iam.getRolePolicy(KEY, call(), "SentinelProd", "SentinelRevocations"),
      replacement,
    );
  });

  await t.step(
    "GetRolePolicy of a policy the role does not have, or of no role: undefined",
    async () => {
      assertEquals(await iam.getRolePolicy(KEY, call(), "SentinelProd", "Other"), undefined);
      assertEquals(
        await iam.getRolePolicy(KEY, call(), "Missing", "SentinelRevocations"),
        undefined,
      );
    },
  );

  await t.step("PutRolePolicy on a role that does not exist: NoSuchEntity, exit 6", async () => {
    const error = await failure(() =>
      iam.putRolePolicy(KEY, call(), "Missing", "SentinelRevocations", REVOCATION)
    );
    assertEquals(error.exitCode, ExitCode.AwsFailure);
    assertTrue(
      error.message.startsWith(`IAM PutRolePolicy Missing failed at ${endpoint}: NoSuchEntity`),
      error.message,
    );
    assertTrue(
      error.message.endsWith(
        "; check the role's name, and that the credentials are of the role's account",
      ),
      error.message,
    );
  });

  await t.step("PutRolePolicy of a document that is no JSON: MalformedPolicyDocument", async () => {
    const error = await failure(() =>
      iam.putRolePolicy(KEY, call(), "SentinelProd", "SentinelRevocations", "{not json")
    );
    assertEquals(error.exitCode, ExitCode.AwsFailure);
    assertIncludes(
      error.message,
      `IAM PutRolePolicy SentinelProd failed at ${endpoint}: MalformedPolicyDocument`,
    );
  });
}

for (const [name, create] of Object.entries(TRANSPORTS)) {
  Deno.test(`${name} transport: IAM against moto`, async (t) => {
    await using moto = await startMoto();
    const { iam } = create({ endpoints: only("AWS_ENDPOINT_URL_IAM", moto.endpoint) });
    await workingIam(t, {
      iam,
      createRole: (role, trust, path) => createRole(moto, role, trust, path),
      endpoint: moto.endpoint,
    });
    await t.step(
      "with IAM checks on: users without iam:GetRole or iam:PutRolePolicy are denied",
      async () => {
        await deniedWithoutPermission(moto, iam);
      },
    );
  });
}

/** Turns moto's IAM checks on (for good: the last step) and calls as users who lack a permission. */
async function deniedWithoutPermission(moto: MotoServer, iam: IamPort) {
  const allowing = (actions: string[]) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
  });
  const nobody = await createUser(moto, "nobody", allowing(["sts:GetCallerIdentity"]));
  const reader = await createUser(moto, "reader", allowing(["iam:GetRole", "iam:GetRolePolicy"]));
  const admin = await createUser(moto, "admin", ALLOW_ALL);
  await checkIam(moto);
  const arn = (await iam.getRole(admin, call(), "SentinelProd")).arn;
  assertEquals((await iam.getRole(reader, call(), "SentinelProd")).arn, arn);
  const get = await failure(() => iam.getRole(nobody, call(), "SentinelProd"));
  assertEquals(get.exitCode, ExitCode.AwsFailure);
  assertIncludes(get.message, `IAM GetRole SentinelProd failed at ${moto.endpoint}: AccessDenied`);
  assertTrue(
    get.message.endsWith(
      "; grant iam:GetRole on the role to the identity of --aws-profile (or use a profile that has it)",
    ),
    get.message,
  );
  // A denied read is a failure, not a policy that is not there.
  const read = await failure(() =>
    iam.getRolePolicy(nobody, call(), "SentinelProd", "SentinelRevocations")
  );
  assertIncludes(
    read.message,
    `IAM GetRolePolicy SentinelProd failed at ${moto.endpoint}: AccessDenied`,
  );
  assertTrue(
    (await iam.getRolePolicy(reader, call(), "SentinelProd", "SentinelRevocations")) !== undefined,
  );
  const put = await failure(() =>
    iam.putRolePolicy(reader, call(), "SentinelProd", "SentinelRevocations", REVOCATION)
  );
  assertEquals(put.exitCode, ExitCode.AwsFailure);
  assertIncludes(
    put.message,
    `IAM PutRolePolicy SentinelProd failed at ${moto.endpoint}: AccessDenied`,
  );
  assertTrue(
    put.message.endsWith(
      "; grant iam:PutRolePolicy on the role (`sentinel enforce revocation-policy --print-iam` prints what the revoker needs)",
    ),
    put.message,
  );
}

Deno.test("the fake IAM of the fast tests (test/support/fake_aws.ts)", async (t) => {
  const fake = new FakeIam();
  await workingIam(t, {
    iam: fake,
    createRole: (role, trust, path) => Promise.resolve(fake.addRole(role, trust, path)),
    endpoint: displayEndpoint(FakeAws.endpoint("iam")),
  });
  await t.step("it counts the PutRolePolicy calls that wrote", () => {
    assertEquals(fake.puts, 2);
  });
  await t.step("a cancelled call: interrupted (130)", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(() =>
      fake.getRolePolicy(KEY, { region: "eu-central-1", signal: controller.signal }, "R", "P")
    );
    assertEquals(error.exitCode, ExitCode.Interrupted);
    assertEquals(error.message, "IAM GetRolePolicy R at https://iam.amazonaws.com was interrupted");
  });
});

/** A GetRole answer as real IAM writes it: the document URL-encoded inside the XML. */
function iamRole(arn: string, document: string): Response {
  const body = `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRoleResult>
    <Role>
      <Path>/</Path>
      <AssumeRolePolicyDocument>${document}</AssumeRolePolicyDocument>
      <MaxSessionDuration>3600</MaxSessionDuration>
      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
      <RoleLastUsed><LastUsedDate>2026-03-02T09:00:00Z</LastUsedDate><Region>us-east-1</Region></RoleLastUsed>
      <RoleName>${arn.split("/").at(-1)}</RoleName>
      <Arn>${arn}</Arn>
      <CreateDate>2026-03-01T09:00:00Z</CreateDate>
    </Role>
  </GetRoleResult>
  <ResponseMetadata><RequestId>df37e965-9967-11e1-a4c3-270EXAMPLE04</RequestId></ResponseMetadata>
</GetRoleResponse>`;
  return new Response(body, { headers: { "content-type": "text/xml" } });
}

Deno.test("both transports read IAM's URL-encoded document and sign for us-east-1", async () => {
  const arn = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelProd`;
  const scopes: string[] = [];
  await using iam = serveStandIn((request) => {
    scopes.push(
      /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(
        request.headers.get("authorization") ?? "",
      )?.slice(1).join(" ") ?? "none",
    );
    return iamRole(arn, encodeURIComponent(JSON.stringify(TRUST, null, 2))); // RFC 3986, as IAM
  });
  for (const [name, create] of Object.entries(TRANSPORTS)) {
    const ports = create({ endpoints: only("AWS_ENDPOINT_URL", iam.endpoint) });
    const role = await ports.iam.getRole(KEY, call("eu-central-1"), "SentinelProd");
    assertEquals([role.arn, role.name], [arn, "SentinelProd"], name);
    assertEquals(JSON.parse(role.trustPolicy), TRUST, name);
  }
  assertEquals(scopes, ["us-east-1 iam", "us-east-1 iam"]);
});

/** A GetRolePolicy answer as real IAM writes it: the document URL-encoded inside the XML. */
function iamRolePolicy(roleName: string, policyName: string, document: string): Response {
  const body = `<GetRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRolePolicyResult>
    <PolicyName>${policyName}</PolicyName>
    <RoleName>${roleName}</RoleName>
    <PolicyDocument>${document}</PolicyDocument>
  </GetRolePolicyResult>
  <ResponseMetadata><RequestId>7e7cd8bc-99ef-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
</GetRolePolicyResponse>`;
  return new Response(body, { headers: { "content-type": "text/xml" } });
}

Deno.test("both transports decode GetRolePolicy's URL-encoded document, signed for us-east-1; IAM's 404 NoSuchEntity is undefined", async () => {
  const scopes: string[] = [];
  await using iam = serveStandIn((request, n) => {
    scopes.push(
      /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(
        request.headers.get("authorization") ?? "",
      )?.slice(1).join(" ") ?? "none",
    );
    return n % 2 === 1
      ? iamRolePolicy("SentinelProd", "SentinelRevocations", encodeURIComponent(REVOCATION))
      : stsError(404, "NoSuchEntity", "The role policy with name Gone cannot be found.");
  });
  for (const [name, create] of Object.entries(TRANSPORTS)) {
    const ports = create({ endpoints: only("AWS_ENDPOINT_URL", iam.endpoint) });
    const read = (policy: string) =>
      ports.iam.getRolePolicy(KEY, call("ap-southeast-2"), "SentinelProd", policy);
    assertEquals(await read("SentinelRevocations"), REVOCATION, name);
    assertEquals(await read("Gone"), undefined, name);
  }
  assertEquals(scopes, Array(4).fill("us-east-1 iam"));
});

Deno.test("a document that does not decode, and IAM's errors, read the same in both", async () => {
  await using broken = serveStandIn(() => iamRole("arn:aws:iam::123456789012:role/R", "%E0%A4%A"));
  await using throttled = serveStandIn(() => stsError(400, "Throttling", "Rate exceeded"));
  const messages: Record<string, string[]> = {};
  for (const [name, create] of Object.entries(TRANSPORTS)) {
    const at = (endpoint: string) => create({ endpoints: only("AWS_ENDPOINT_URL_IAM", endpoint) });
    messages[name] = [
      (await failure(() => at(broken.endpoint).iam.getRole(KEY, call(), "R"))).message,
      (await failure(() => at(throttled.endpoint).iam.getRole(KEY, call(), "R"))).message,
    ];
  }
  assertEquals(messages.sdk, messages.fetch);
  assertEquals(
    messages.fetch[0],
    `IAM GetRole R failed at ${broken.endpoint}: unexpected answer (a policy document that does not decode); check that AWS_ENDPOINT_URL_IAM points at AWS IAM`,
  );
  assertIncludes(messages.fetch[1], "Throttling: Rate exceeded (after 2 attempts)");
});

Deno.test("IAM's endpoints: one per partition, signed for its home region; the variables win", () => {
  const none: EndpointLookup = () => undefined;
  const cases: [string, string, string][] = [
    ["eu-central-1", "us-east-1", "https://iam.amazonaws.com/"],
    ["us-east-1", "us-east-1", "https://iam.amazonaws.com/"],
    ["cn-northwest-1", "cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn/"],
    ["us-gov-east-1", "us-gov-west-1", "https://iam.us-gov.amazonaws.com/"],
  ];
  for (const [region, signing, url] of cases) {
    assertEquals(iamRegion(region), signing, region);
    assertEquals(resolveEndpoint(none, "iam", iamRegion(region)).url.href, url, region);
  }
  const both: EndpointLookup = (v) =>
    ({ AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:2" })[v];
  assertEquals(resolveEndpoint(both, "iam", "us-east-1"), {
    url: new URL("http://127.0.0.1:2"),
    source: "AWS_ENDPOINT_URL_IAM",
  });
  assertEquals(
    resolveEndpoint(only("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), "iam", "us-east-1"),
    {
      url: new URL("http://127.0.0.1:1"),
      source: "AWS_ENDPOINT_URL",
    },
  );
});

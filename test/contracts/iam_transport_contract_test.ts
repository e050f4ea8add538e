/**
 * The IAM port's contract, kept by both AWS transports — the `fetch` one and the AWS SDK one —
 * with the same cases run against each (like aws_transport_contract_test.ts for STS and SSM).
 * Against a real moto server: GetRole of a role with a path and a trust policy full of characters
 * that need encoding, the endpoint chosen by AWS_ENDPOINT_URL_IAM alone, NoSuchEntity, and —
 * with moto's IAM checks on — AccessDenied for a user without iam:GetRole. Against a stand-in:
 * the answer as real IAM sends it (the document URL-encoded), the signing region of the global
 * endpoint (us-east-1 whatever the caller's region), a document that does not decode. IAM's
 * default endpoints are checked per partition. Both transports must give the same result or the
 * same message, exit code 6, naming the role and the API.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { startMoto } from "../harness/moto.ts";
import { ALLOW_ALL, checkIam, createRole, createUser, MOTO_ACCOUNT } from "../harness/moto_iam.ts";
import { serveStandIn, stsError } from "../harness/stand_in_aws.ts";
import { ExitCode, SentinelError } from "../../src/core/errors.ts";
import type { AwsCredentials, IamPort } from "../../src/ports/aws.ts";
import { createFetchTransport } from "../../src/adapters/aws/fetch_transport.ts";
import { createSdkTransport } from "../../src/adapters/aws/sdk.ts";
import {
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

for (const [name, create] of Object.entries(TRANSPORTS)) {
  Deno.test(`${name} transport: IAM GetRole against moto`, async (t) => {
    await using moto = await startMoto();
    const arn = await createRole(moto, "SentinelProd", TRUST, "/ops/");
    const { iam } = create({ endpoints: only("AWS_ENDPOINT_URL_IAM", moto.endpoint) });

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
          error.message.startsWith(`IAM GetRole Missing failed at ${moto.endpoint}: NoSuchEntity`),
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

    await t.step("with IAM checks on: a user without iam:GetRole is denied", async () => {
      const nobody = await createUser(moto, "nobody", {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" }],
      });
      const admin = await createUser(moto, "admin", ALLOW_ALL);
      await checkIam(moto);
      assertEquals((await iam.getRole(admin, call(), "SentinelProd")).arn, arn);
      const error = await failure(() => iam.getRole(nobody, call(), "SentinelProd"));
      assertEquals(error.exitCode, ExitCode.AwsFailure);
      assertIncludes(
        error.message,
        `IAM GetRole SentinelProd failed at ${moto.endpoint}: AccessDenied`,
      );
      assertTrue(
        error.message.endsWith(
          "; grant iam:GetRole on the role to the identity of --aws-profile (or use a profile that has it)",
        ),
        error.message,
      );
    });
  });
}

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

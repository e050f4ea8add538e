/**
 * The contract both AWS transports keep — the AWS SDK one (`sdk.ts`) and the `fetch` one
 * (`fetch_transport.ts`): the same cases run against each. Against a real moto server (and on
 * the fast tests' fake, test/support/fake_aws.ts, which also fails as the transports do for an
 * unknown key, a role that does not admit the caller, and a cancelled or late call): the
 * identity of an IAM user, AssumeRole with SourceIdentity and ExternalId as moto recorded them,
 * String and SecureString parameters, ParameterNotFound, increasing PutParameter versions. Against
 * local stand-ins (`harness/stand_in_aws.ts`, because moto does not emulate these faults): an
 * endpoint that never answers and one whose connect hangs (both end by the deadline), throttling,
 * expired and unknown tokens, access denied, a 5xx then success (one retry), connection refused,
 * a name that does not resolve, a cancelled call. Every failure must leave both transports with
 * the same exit code and the same message, and no message may carry a secret.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { createIamUser } from "../harness/aws_home.ts";
import { moduleReach } from "../../scripts/module_graph.ts";
import { startMoto } from "../harness/moto.ts";
import {
  serveStandIn,
  silentListener,
  ssmError,
  ssmParameter,
  stalledConnect,
  stsError,
  stsIdentity,
} from "../harness/stand_in_aws.ts";
import { freePort, ROOT } from "../harness/tools.ts";
import { ExitCode, SentinelError } from "../../src/core/errors.ts";
import type { AwsCredentials, SsmPort, StsPort } from "../../src/ports/aws.ts";
import { createFetchTransport } from "../../src/adapters/aws/fetch_transport.ts";
import { createSdkTransport } from "../../src/adapters/aws/sdk.ts";
import { displayEndpoint, type TransportOptions } from "../../src/adapters/aws/endpoints.ts";
import { FakeAws } from "../support/fake_aws.ts";

type Ports = { sts: StsPort; ssm: SsmPort };
const TRANSPORTS: Record<string, (options: TransportOptions) => Ports> = {
  fetch: createFetchTransport,
  sdk: createSdkTransport,
};

/** Static test keys (AWS's documented example pair); stand-ins do not check signatures. */
const KEY: AwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const ASSUME = {
  roleArn: ROLE,
  roleSessionName: "sentinel-alice",
  sourceIdentity: "sentinel=alice=r-0123abcd",
  durationSeconds: 900,
  externalId: "ext-4711",
};

const call = (ms = 10_000) => ({ region: "us-east-1", signal: AbortSignal.timeout(ms) });
const at = (endpoint: string): TransportOptions => ({
  endpoints: (name) => ({ AWS_ENDPOINT_URL_STS: endpoint, AWS_ENDPOINT_URL_SSM: endpoint })[name],
});

/** A failed call: its error and how long it took. */
interface Failure {
  error: SentinelError;
  ms: number;
}

async function failureOf(run: () => Promise<unknown>): Promise<Failure> {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    const ms = performance.now() - started;
    assertTrue(error instanceof SentinelError, `expected a SentinelError, got ${error}`);
    const message = `${error.message}\n${error.details.join("\n")}`;
    assertTrue(!message.includes(KEY.secretAccessKey), `a secret key in: ${message}`);
    assertTrue(!/AKIA|ASIA/.test(message), `an access key id in: ${message}`);
    return { error, ms };
  }
  throw new Error("the call succeeded; expected it to fail");
}

/**
 * Runs `run` with each transport against `endpoint`; both must fail with the same exit code and
 * the same message (durations aside). Returns the failures by transport.
 */
async function bothFail(
  endpoint: string,
  run: (ports: Ports) => Promise<unknown>,
): Promise<Record<string, Failure>> {
  const failures: Record<string, Failure> = {};
  for (const [name, create] of Object.entries(TRANSPORTS)) {
    failures[name] = await failureOf(() => run(create(at(endpoint))));
  }
  const sameShape = (f: Failure) => f.error.message.replace(/within [\d.]+ s/, "within N s");
  assertEquals(failures.sdk.error.exitCode, failures.fetch.error.exitCode);
  assertEquals(sameShape(failures.sdk), sameShape(failures.fetch));
  return failures;
}

/** Runs `run` with each transport; both must succeed with the same result. */
async function bothSucceed<T>(endpoint: string, run: (ports: Ports) => Promise<T>): Promise<T> {
  const results = [];
  for (const create of Object.values(TRANSPORTS)) results.push(await run(create(at(endpoint))));
  assertEquals(results[1], results[0]);
  return results[0];
}

/** Ports under test, as the cases against a working AWS need them. */
interface AwsSubject {
  ports: Ports;
  /** Credentials of an IAM user alice, in account 123456789012. */
  alice: AwsCredentials;
  /** The parameters of every AssumeRole call made so far, as AWS received them. */
  assumeRoleCalls(): Promise<URLSearchParams[]>;
  /** Where SSM was reached, as failure messages name it. */
  ssmEndpoint: string;
}

/** What every implementation of the AWS ports does against a working AWS. */
async function workingAws(t: Deno.TestContext, subject: AwsSubject) {
  const { ports: { sts, ssm }, alice } = subject;

  await t.step("GetCallerIdentity names the IAM user", async () => {
    assertEquals(await sts.getCallerIdentity(alice, call()), {
      arn: "arn:aws:iam::123456789012:user/alice",
      account: "123456789012",
    });
  });

  await t.step("AssumeRole sends SourceIdentity, ExternalId, DurationSeconds", async () => {
    const before = Date.now();
    const session = await sts.assumeRole(alice, call(), ASSUME);
    assertTrue(session.accessKeyId.length >= 16 && session.secretAccessKey.length > 0);
    assertTrue(session.sessionToken.length > 0);
    const lifetime = (session.expiration.getTime() - before) / 1000;
    assertTrue(lifetime > 840 && lifetime < 960, `session lasts ${lifetime} s, not 900`);
    const [recorded] = await subject.assumeRoleCalls();
    assertEquals(
      Object.fromEntries(
        ["RoleArn", "RoleSessionName", "SourceIdentity", "DurationSeconds", "ExternalId"]
          .map((key) => [key, recorded.get(key)]),
      ),
      {
        RoleArn: ROLE,
        RoleSessionName: "sentinel-alice",
        SourceIdentity: "sentinel=alice=r-0123abcd",
        DurationSeconds: "900",
        ExternalId: "ext-4711",
      },
    );
  });

  await t.step("AssumeRole without ExternalId sends none", async () => {
    await sts.assumeRole(alice, call(), { ...ASSUME, externalId: undefined });
    const calls = await subject.assumeRoleCalls();
    assertEquals(calls.length, 2);
    assertEquals(calls[1].has("ExternalId"), false);
  });

  await t.step("PutParameter returns increasing versions", async () => {
    const versions = [];
    for (const text of ["v1", "v2", "v3"]) {
      versions.push(await ssm.putParameter(alice, call(), "/sentinel/versions", text, false));
    }
    assertEquals(versions, [1, 2, 3]);
    assertEquals(await ssm.getParameter(alice, call(), "/sentinel/versions"), {
      value: "v3",
      version: 3,
    });
  });

  await t.step("GetParameter reads a String and a SecureString, decrypted", async () => {
    const policy = 'version: "1"\nrules:\n  - name: ünïcode & <xml>\n    effect: deny\n';
    await ssm.putParameter(alice, call(), "/sentinel/plain", policy, false);
    await ssm.putParameter(alice, call(), "/sentinel/secure", policy, true);
    assertEquals(await ssm.getParameter(alice, call(), "/sentinel/plain"), {
      value: policy,
      version: 1,
    });
    assertEquals(await ssm.getParameter(alice, call(), "/sentinel/secure"), {
      value: policy,
      version: 1,
    });
  });

  await t.step("GetParameter of a missing parameter: ParameterNotFound, exit 6", async () => {
    const { error } = await failureOf(() => ssm.getParameter(alice, call(), "/sentinel/missing"));
    assertEquals(error.exitCode, ExitCode.AwsFailure);
    const start =
      `SSM GetParameter /sentinel/missing (us-east-1) failed at ${subject.ssmEndpoint}: ` +
      "ParameterNotFound";
    assertTrue(error.message.startsWith(start), error.message);
    assertTrue(
      error.message.endsWith(
        "; create it with `sentinel policy push ssm:/sentinel/missing <file>` or fix sentinel_policy" +
          "; run `sentinel doctor`",
      ),
      error.message,
    );
  });
}

for (const [name, create] of Object.entries(TRANSPORTS)) {
  Deno.test(`${name} transport against moto`, async (t) => {
    await using moto = await startMoto();
    await workingAws(t, {
      ports: create({ endpoints: (v) => v === "AWS_ENDPOINT_URL" ? moto.endpoint : undefined }),
      alice: await createIamUser(moto, "alice"),
      assumeRoleCalls: () => moto.assumeRoleCalls(),
      ssmEndpoint: moto.endpoint,
    });
  });
}

Deno.test("the fake AWS of the fast tests (test/support/fake_aws.ts)", async (t) => {
  const fake = new FakeAws();
  await workingAws(t, {
    ports: fake,
    alice: fake.addUser("alice"),
    assumeRoleCalls: () => Promise.resolve(fake.assumeRoleCalls()),
    ssmEndpoint: displayEndpoint(FakeAws.endpoint("ssm")),
  });

  // Where a stand-in below makes the transports fail, the fake fails with the same words.
  const sts = FakeAws.endpoint("sts").origin;
  await t.step("an unknown access key: exit 6, as the transports say it", async () => {
    const { error } = await failureOf(() => fake.sts.getCallerIdentity(KEY, call()));
    assertEquals(error.exitCode, ExitCode.AwsFailure);
    assertIncludes(error.message, `STS GetCallerIdentity failed at ${sts}: InvalidClientTokenId`);
    assertIncludes(error.message, "AWS does not know the base credentials' access key");
  });
  await t.step("a role whose trust policy does not admit the caller: access denied", async () => {
    fake.trust(ROLE, ["arn:aws:iam::123456789012:user/bob"]);
    const { error } = await failureOf(() =>
      fake.sts.assumeRole(fake.addUser("alice"), call(), ASSUME)
    );
    assertEquals(
      error.message,
      `STS AssumeRole on ${ROLE} failed at ${sts}: AccessDenied: User: ` +
        `arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: ${ROLE}; ` +
        "check that the role's trust policy admits the base identity and allows sts:SetSourceIdentity",
    );
  });
  await t.step(
    "a cancelled call: interrupted (130); a call past its deadline: exit 6",
    async () => {
      const controller = new AbortController();
      controller.abort();
      const cancelled = await failureOf(() =>
        fake.sts.getCallerIdentity(KEY, { region: "us-east-1", signal: controller.signal })
      );
      assertEquals(cancelled.error.exitCode, ExitCode.Interrupted);
      assertEquals(cancelled.error.message, `STS GetCallerIdentity at ${sts} was interrupted`);
      const late = await failureOf(() =>
        fake.ssm.getParameter(KEY, {
          region: "us-east-1",
          signal: AbortSignal.abort(new DOMException("", "TimeoutError")),
        }, "/p")
      );
      assertEquals(late.error.exitCode, ExitCode.AwsFailure);
      assertIncludes(late.error.message, "no time was left to make the call");
    },
  );
});

Deno.test("an endpoint that accepts and never answers: both end by the 1.5 s deadline", async () => {
  await using silent = silentListener();
  const sts = await bothFail(silent.endpoint, (p) => p.sts.assumeRole(KEY, call(1500), ASSUME));
  const ssm = await bothFail(silent.endpoint, (p) => p.ssm.getParameter(KEY, call(1500), "/p"));
  for (const failure of [...Object.values(sts), ...Object.values(ssm)]) {
    assertEquals(failure.error.exitCode, ExitCode.AwsFailure);
    assertTrue(failure.ms >= 1400 && failure.ms < 2250, `ended after ${failure.ms} ms`);
  }
  assertEquals(
    sts.fetch.error.message.replace(/within [\d.]+ s/, "within N s"),
    `STS AssumeRole on ${ROLE} failed at ${silent.endpoint}: no answer within N s; ` +
      "check AWS_ENDPOINT_URL_STS and that the endpoint is up, or raise sentinel_timeout (SENTINEL_TIMEOUT)",
  );
  assertIncludes(ssm.sdk.error.message, "SSM GetParameter /p (us-east-1) failed at");
});

Deno.test("an endpoint whose connect hangs (full accept queue): both end by the deadline", async () => {
  await using stalled = await stalledConnect();
  const failures = await bothFail(
    stalled.endpoint,
    (p) => p.sts.getCallerIdentity(KEY, call(1500)),
  );
  for (const failure of Object.values(failures)) {
    assertTrue(failure.ms >= 1400 && failure.ms < 2250, `ended after ${failure.ms} ms`);
    assertIncludes(failure.error.message, "STS GetCallerIdentity failed at");
    assertIncludes(failure.error.message, "no answer within");
  }
});

Deno.test("throttling: retried once, then exit 6 saying so (STS query XML, SSM JSON)", async () => {
  await using sts = serveStandIn(() => stsError(400, "Throttling", "Rate exceeded"));
  const stsFailures = await bothFail(sts.endpoint, (p) => p.sts.getCallerIdentity(KEY, call()));
  assertEquals(sts.requests, 4); // two per transport
  assertEquals(
    stsFailures.fetch.error.message,
    `STS GetCallerIdentity failed at ${sts.endpoint}: Throttling: Rate exceeded (after 2 attempts); ` +
      "AWS is throttling these requests; wait a moment and try again",
  );
  await using ssm = serveStandIn(() => ssmError(400, "ThrottlingException", "Rate exceeded"));
  const ssmFailures = await bothFail(ssm.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertEquals(ssm.requests, 4);
  assertIncludes(
    ssmFailures.sdk.error.message,
    "ThrottlingException: Rate exceeded (after 2 attempts)",
  );
});

Deno.test("the deadline during the pause before the retry reports the throttling, not a timeout", async () => {
  await import("@aws-sdk/client-sts"); // loaded before the clock starts, so the first attempt is quick
  await using sts = serveStandIn(() => stsError(400, "Throttling", "Rate exceeded"));
  // The pause after throttling is at least 300 ms, longer than this 250 ms budget.
  const failures = await bothFail(sts.endpoint, (p) => p.sts.getCallerIdentity(KEY, call(250)));
  assertEquals(sts.requests, 2); // one per transport: no retry after the deadline
  for (const failure of Object.values(failures)) {
    assertTrue(failure.ms >= 200 && failure.ms < 750, `ended after ${failure.ms} ms`);
  }
  assertEquals(
    failures.fetch.error.message,
    `STS GetCallerIdentity failed at ${sts.endpoint}: Throttling: Rate exceeded; ` +
      "AWS is throttling these requests; wait a moment and try again",
  );
});

Deno.test("expired token: exit 6 telling to refresh the base credentials, no retry", async () => {
  const message = "The security token included in the request is expired";
  await using sts = serveStandIn(() => stsError(400, "ExpiredToken", message));
  const stsFailures = await bothFail(sts.endpoint, (p) => p.sts.assumeRole(KEY, call(), ASSUME));
  assertEquals(sts.requests, 2);
  assertEquals(
    stsFailures.sdk.error.message,
    `STS AssumeRole on ${ROLE} failed at ${sts.endpoint}: ExpiredToken: ${message}; ` +
      "the base credentials have expired; refresh them (aws-vault, `aws sso login`) and try again",
  );
  await using ssm = serveStandIn(() => ssmError(400, "ExpiredTokenException", message));
  const ssmFailures = await bothFail(
    ssm.endpoint,
    (p) => p.ssm.putParameter(KEY, call(), "/p", "x", true),
  );
  assertEquals(ssm.requests, 2);
  assertIncludes(ssmFailures.fetch.error.message, `ExpiredTokenException: ${message}; the base`);
});

Deno.test("access denied: exit 6 naming the permission to check", async () => {
  const denied = "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: " +
    `sts:AssumeRole on resource: ${ROLE}`;
  await using sts = serveStandIn(() => stsError(403, "AccessDenied", denied));
  const stsFailures = await bothFail(sts.endpoint, (p) => p.sts.assumeRole(KEY, call(), ASSUME));
  assertEquals(
    stsFailures.fetch.error.message,
    `STS AssumeRole on ${ROLE} failed at ${sts.endpoint}: AccessDenied: ${denied}; check that ` +
      "the role's trust policy admits the base identity and allows sts:SetSourceIdentity",
  );
  await using ssm = serveStandIn(() =>
    ssmError(400, "AccessDeniedException", "not authorized to perform: ssm:GetParameter")
  );
  const ssmFailures = await bothFail(ssm.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertIncludes(
    ssmFailures.sdk.error.message,
    "; grant ssm:GetParameter on the parameter (and kms:Decrypt for a SecureString)",
  );
});

Deno.test("unknown access key, and a signature error echoing the keys: no secret in the message", async () => {
  await using unknown = serveStandIn(() =>
    stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
  );
  const failures = await bothFail(unknown.endpoint, (p) => p.sts.getCallerIdentity(KEY, call()));
  assertIncludes(
    failures.fetch.error.message,
    "AWS does not know the base credentials' access key",
  );
  await using echo = serveStandIn(() =>
    stsError(
      403,
      "SignatureDoesNotMatch",
      `Signature mismatch for ${KEY.accessKeyId} using ${KEY.secretAccessKey}\nCanonical request …`,
    )
  );
  const echoed = await bothFail(echo.endpoint, (p) => p.sts.getCallerIdentity(KEY, call()));
  assertIncludes(echoed.sdk.error.message, "Signature mismatch for <redacted> using <redacted>;");
});

Deno.test("a 5xx answer, then success: one retry, the same result", async () => {
  await using sts = serveStandIn((_, n) =>
    n % 2 === 1 ? stsError(500, "InternalFailure", "try later") : stsIdentity(
      "arn:aws:iam::123456789012:user/alice",
      "123456789012",
    )
  );
  assertEquals(await bothSucceed(sts.endpoint, (p) => p.sts.getCallerIdentity(KEY, call())), {
    arn: "arn:aws:iam::123456789012:user/alice",
    account: "123456789012",
  });
  assertEquals(sts.requests, 4);
  await using ssm = serveStandIn((_, n) =>
    n % 2 === 1
      ? new Response("<html>bad gateway</html>", { status: 502 })
      : ssmParameter("/p", "body", 7)
  );
  assertEquals(await bothSucceed(ssm.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p")), {
    value: "body",
    version: 7,
  });
  assertEquals(ssm.requests, 4);
});

Deno.test("5xx twice: exit 6 after two attempts", async () => {
  await using ssm = serveStandIn(() => new Response("<html>unavailable</html>", { status: 503 }));
  const failures = await bothFail(ssm.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertEquals(ssm.requests, 4);
  assertEquals(
    failures.fetch.error.message,
    `SSM GetParameter /p (us-east-1) failed at ${ssm.endpoint}: HTTP 503 without an AWS error ` +
      "in the answer (after 2 attempts); the service failed; try again later",
  );
});

Deno.test("connection refused: exit 6 after one retry, naming the endpoint setting", async () => {
  const endpoint = `http://127.0.0.1:${freePort()}`;
  const failures = await bothFail(endpoint, (p) => p.sts.getCallerIdentity(KEY, call()));
  assertEquals(
    failures.sdk.error.message,
    `STS GetCallerIdentity failed at ${endpoint}: connection refused (after 2 attempts); ` +
      "check AWS_ENDPOINT_URL_STS and that the endpoint is up",
  );
});

Deno.test("a host name that does not resolve: exit 6, no retry", async () => {
  const endpoint = "http://sentinel-contract-test.invalid";
  const failures = await bothFail(endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertEquals(
    failures.fetch.error.message,
    `SSM GetParameter /p (us-east-1) failed at ${endpoint}: cannot resolve ` +
      "sentinel-contract-test.invalid; check the host name in AWS_ENDPOINT_URL_SSM",
  );
});

Deno.test("a call cancelled before its deadline ends at once as interrupted (130)", async () => {
  await using silent = silentListener();
  const failures = await bothFail(silent.endpoint, (p) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    return p.sts.getCallerIdentity(KEY, { region: "us-east-1", signal: controller.signal });
  });
  for (const failure of Object.values(failures)) {
    assertEquals(failure.error.exitCode, ExitCode.Interrupted);
    assertTrue(failure.ms < 1000, `ended after ${failure.ms} ms`);
  }
  assertEquals(
    failures.fetch.error.message,
    `STS GetCallerIdentity at ${silent.endpoint} was interrupted`,
  );
});

Deno.test("the fetch transport reaches no AWS SDK module; the SDK transport does", async () => {
  const light = await moduleReach(ROOT, "src/adapters/aws/fetch_transport.ts");
  const sdkPackages = (packages: string[]) =>
    packages.filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@smithy/"));
  assertEquals(sdkPackages(light.npmPackages), []);
  assertEquals(light.modules.filter((m) => /@aws-sdk|@smithy|adapters\/aws\/sdk\.ts/.test(m)), []);
  assertEquals(light.npmPackages, ["aws4fetch@1.0.20"]);
  // The same walk sees the SDK where it is loaded, so the checks above can fail.
  const heavy = await moduleReach(ROOT, "src/adapters/aws/sdk.ts");
  assertTrue(sdkPackages(heavy.npmPackages).some((p) => p.startsWith("@aws-sdk/client-sts@")));
});

Deno.test("a 200 answer that is not AWS's: exit 6, unexpected answer", async () => {
  await using server = serveStandIn(() => new Response("<html>captive portal</html>"));
  const sts = await bothFail(server.endpoint, (p) => p.sts.getCallerIdentity(KEY, call()));
  const ssm = await bothFail(server.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertEquals(
    sts.sdk.error.message,
    `STS GetCallerIdentity failed at ${server.endpoint}: unexpected answer (no ` +
      "GetCallerIdentityResult/Arn in the answer); check that AWS_ENDPOINT_URL_STS points at AWS STS",
  );
  assertIncludes(ssm.sdk.error.message, "unexpected answer (the answer does not parse)");
  assertEquals(server.requests, 4); // no retry
});

Deno.test("an SSM answer that is not valid UTF-8: exit 6 on both transports, never a lossy value", async () => {
  const body = '{"Parameter":{"Name":"/p","Type":"String","Version":1,"Value":"pr\xF6d"}}';
  await using server = serveStandIn(() =>
    new Response(Uint8Array.from(body, (c) => c.charCodeAt(0)), {
      headers: { "content-type": "application/x-amz-json-1.1" },
    })
  );
  const ssm = await bothFail(server.endpoint, (p) => p.ssm.getParameter(KEY, call(), "/p"));
  assertEquals(ssm.fetch.error.exitCode, 6);
  assertIncludes(ssm.fetch.error.message, "unexpected answer (the answer is not valid UTF-8)");
});

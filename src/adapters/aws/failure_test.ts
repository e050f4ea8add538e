/** The shared failure mapping: what is retried, how thrown errors are read, what is redacted. */
import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { ExitCode } from "../../core/errors.ts";
import {
  type AwsFault,
  callFailure,
  faultOf,
  isNoSuchEntity,
  isRetryable,
  redact,
} from "./failure.ts";

const live = new AbortController().signal;

Deno.test("retried: throttling, 5xx, failed connections; not: denials, DNS, deadlines", () => {
  const table: [AwsFault, boolean][] = [
    [{ kind: "service", code: "Throttling", message: "", status: 400 }, true],
    [{ kind: "service", code: "ThrottlingException", message: "", status: 400 }, true],
    [{ kind: "service", code: "InternalFailure", message: "", status: 500 }, true],
    [{ kind: "service", code: "AccessDenied", message: "", status: 403 }, false],
    [{ kind: "service", code: "ExpiredToken", message: "", status: 400 }, false],
    [{ kind: "http", status: 502 }, true],
    [{ kind: "http", status: 429 }, true],
    [{ kind: "http", status: 404 }, false],
    [{ kind: "network", reason: "refused", detail: "" }, true],
    [{ kind: "network", reason: "reset", detail: "" }, true],
    [{ kind: "network", reason: "dns", detail: "" }, false],
    [{ kind: "timeout" }, false],
    [{ kind: "malformed", detail: "" }, false],
  ];
  for (const [fault, retried] of table) {
    assertEquals(isRetryable(fault), retried, JSON.stringify(fault));
  }
});

Deno.test("faultOf reads SDK exceptions, Node socket errors and fetch failures alike", () => {
  const sdk = Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
  assertEquals(faultOf(sdk, live), {
    kind: "service",
    code: "ThrottlingException",
    message: "Rate exceeded",
    status: 400,
  });
  const node = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
    code: "ECONNREFUSED",
  });
  assertEquals(faultOf(node, live), { kind: "network", reason: "refused", detail: "ECONNREFUSED" });
  const fetchDns = new TypeError("fetch failed", {
    cause: new Error("client error (Connect): dns error: failed to lookup address information"),
  });
  assertEquals(faultOf(fetchDns, live), { kind: "network", reason: "dns", detail: "dns" });
  const timedOut = AbortSignal.abort(new DOMException("deadline", "TimeoutError"));
  assertEquals(faultOf(timedOut.reason, timedOut), { kind: "timeout" });
  const cancelled = AbortSignal.abort();
  assertEquals(faultOf(cancelled.reason, cancelled), { kind: "interrupted" });
});

Deno.test("NoSuchEntity is read alike from the SDK's exception (with its wire code or without) and from XML", () => {
  const sdk = (extra: Record<string, unknown>) =>
    Object.assign(new Error("The role with name R cannot be found."), {
      name: "NoSuchEntityException",
      $fault: "client",
      $metadata: { httpStatusCode: 404 },
      ...extra,
    });
  assertTrue(isNoSuchEntity(faultOf(sdk({ Code: "NoSuchEntity" }), live)));
  assertTrue(isNoSuchEntity(faultOf(sdk({}), live)));
  assertTrue(isNoSuchEntity({ kind: "service", code: "NoSuchEntity", message: "", status: 404 }));
  assertTrue(!isNoSuchEntity({ kind: "service", code: "AccessDenied", message: "", status: 403 }));
  assertTrue(!isNoSuchEntity({ kind: "http", status: 404 }));
});

Deno.test("messages never carry the call's credentials or anything shaped like a key id", () => {
  const credentials = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    sessionToken: "FwoGZXIvYXdzEBYaDH-session-token",
  };
  assertEquals(
    redact(
      `k=${credentials.secretAccessKey} t=${credentials.sessionToken} ASIAQWERTYUIOPASDFGH`,
      credentials,
    ),
    "k=<redacted> t=<redacted> <redacted>",
  );
  const error = callFailure(
    {
      service: "sts",
      operation: "GetCallerIdentity",
      region: "us-east-1",
      endpoint: { url: new URL("https://sts.us-east-1.amazonaws.com/"), source: undefined },
    },
    {
      kind: "service",
      code: "SignatureDoesNotMatch",
      message: `uses ${credentials.secretAccessKey}`,
      status: 403,
    },
    { elapsedMs: 40, attempts: 1 },
    credentials,
  );
  assertEquals(error.exitCode, ExitCode.AwsFailure);
  assertTrue(!error.message.includes(credentials.secretAccessKey));
  assertEquals(
    error.message,
    "STS GetCallerIdentity failed at https://sts.us-east-1.amazonaws.com: SignatureDoesNotMatch: " +
      "uses <redacted>; the secret key does not match the access key; check the source profile's keys" +
      "; run `sentinel doctor`",
  );
});

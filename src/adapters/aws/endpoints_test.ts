/** Endpoint resolution: the service variable, then AWS_ENDPOINT_URL, then the regional default. */
import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../../core/errors.ts";
import { displayEndpoint, resolveEndpoint } from "./endpoints.ts";

const lookup = (map: Record<string, string>) => (name: string) => map[name];

Deno.test("the service-specific variable wins over AWS_ENDPOINT_URL", () => {
  const endpoints = lookup({
    AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4000",
    AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
  });
  const sts = resolveEndpoint(endpoints, "sts", "us-east-1");
  assertEquals([sts.url.href, sts.source], ["http://127.0.0.1:4000/", "AWS_ENDPOINT_URL_STS"]);
  const ssm = resolveEndpoint(endpoints, "ssm", "us-east-1");
  assertEquals([ssm.url.href, ssm.source], ["http://127.0.0.1:5000/", "AWS_ENDPOINT_URL"]);
  const dynamo = resolveEndpoint(
    lookup({ AWS_ENDPOINT_URL_DYNAMODB: "http://ddb:8000" }),
    "dynamodb",
    "x",
  );
  assertEquals(dynamo.source, "AWS_ENDPOINT_URL_DYNAMODB");
});

Deno.test("without settings: the regional endpoint, .amazonaws.com.cn in China", () => {
  const none = lookup({});
  const table: [string, string, string][] = [
    ["sts", "eu-central-1", "https://sts.eu-central-1.amazonaws.com/"],
    ["ssm", "us-gov-west-1", "https://ssm.us-gov-west-1.amazonaws.com/"],
    ["sts", "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/"],
    ["ssm", "cn-northwest-1", "https://ssm.cn-northwest-1.amazonaws.com.cn/"],
  ];
  for (const [service, region, url] of table) {
    const endpoint = resolveEndpoint(none, service as "sts" | "ssm", region);
    assertEquals([endpoint.url.href, endpoint.source], [url, undefined]);
  }
  assertEquals(
    resolveEndpoint(lookup({ AWS_ENDPOINT_URL: "  " }), "sts", "us-east-1").source,
    undefined,
  );
});

Deno.test("a bad endpoint or region is a config error (exit 3) that says what to set", () => {
  const bad = assertThrows(
    () => resolveEndpoint(lookup({ AWS_ENDPOINT_URL_SSM: "localhost:4566" }), "ssm", "us-east-1"),
    SentinelError,
    "AWS_ENDPOINT_URL_SSM is not an http(s) URL",
  );
  assertEquals((bad as SentinelError).exitCode, 3);
  assertThrows(
    () =>
      resolveEndpoint(lookup({ AWS_ENDPOINT_URL: "https://user:pw@host/" }), "sts", "us-east-1"),
    SentinelError,
    "without user info",
  );
  assertThrows(
    () => resolveEndpoint(lookup({}), "sts", "evil.example.com/x"),
    SentinelError,
    "is not an AWS region name",
  );
});

Deno.test("messages show scheme, host and path only", () => {
  assertEquals(
    displayEndpoint(new URL("https://sts.us-east-1.amazonaws.com/")),
    "https://sts.us-east-1.amazonaws.com",
  );
  assertEquals(
    displayEndpoint(new URL("http://127.0.0.1:4566/aws/")),
    "http://127.0.0.1:4566/aws/",
  );
});

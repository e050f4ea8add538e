/** The JSON protocols: target headers, and error codes from the body or the header. */
import { assertEquals } from "../../../test/assert.ts";
import { DYNAMODB_JSON, jsonError, jsonRequest, SSM_JSON } from "./aws_json.ts";

Deno.test("jsonRequest names the operation in X-Amz-Target with the protocol's version", () => {
  assertEquals(jsonRequest(SSM_JSON, "GetParameter", { Name: "/p" }), {
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonSSM.GetParameter",
    },
    body: '{"Name":"/p"}',
  });
  assertEquals(jsonRequest(DYNAMODB_JSON, "GetItem", {}).headers, {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "DynamoDB_20120810.GetItem",
  });
});

Deno.test("jsonError takes the code from the header, __type (namespaced) or code", () => {
  const at = (status: number, body: string, headers: Record<string, string> = {}) =>
    jsonError({ status, text: body, headers: new Headers(headers) });
  assertEquals(at(400, '{"__type":"com.amazonaws.ssm#ParameterNotFound","message":"gone"}'), {
    kind: "service",
    code: "ParameterNotFound",
    message: "gone",
    status: 400,
  });
  assertEquals(
    at(400, '{"Message":"slow down"}', { "x-amzn-ErrorType": "ThrottlingException:http://x/" }),
    { kind: "service", code: "ThrottlingException", message: "slow down", status: 400 },
  );
  assertEquals(at(400, '{"code":"AccessDeniedException"}').kind, "service");
  assertEquals(at(503, "<html>unavailable</html>"), { kind: "http", status: 503 });
});

/**
 * The AWS JSON protocols: a JSON POST whose operation is named by `X-Amz-Target`, answered with
 * JSON. Version 1.1 is SSM's (`AmazonSSM.GetParameter`), 1.0 is DynamoDB's
 * (`DynamoDB_20120810.GetItem`); a client for either is a {@link JsonProtocol} and these helpers.
 * Errors come as `{"__type": "…#Code", "message": "…"}`, the code sometimes only in the
 * `x-amzn-ErrorType` header.
 *
 * @example
 * ```ts
 * const request = jsonRequest(SSM_JSON, "GetParameter", { Name: "/p", WithDecryption: true });
 * ```
 * @module
 */
import { type AwsFault, AwsFaultError } from "./failure.ts";
import type { ProtocolRequest, RawAnswer } from "./signed_fetch.ts";

/** One JSON-protocol service: its protocol version and its `X-Amz-Target` prefix. */
export interface JsonProtocol {
  version: "1.0" | "1.1";
  targetPrefix: string;
}

/** SSM (JSON 1.1). */
export const SSM_JSON: JsonProtocol = { version: "1.1", targetPrefix: "AmazonSSM" };
/** DynamoDB (JSON 1.0). */
export const DYNAMODB_JSON: JsonProtocol = { version: "1.0", targetPrefix: "DynamoDB_20120810" };

/** The request for `operation` with `input` as its JSON body. */
export function jsonRequest(
  protocol: JsonProtocol,
  operation: string,
  input: Record<string, unknown>,
): ProtocolRequest {
  return {
    headers: {
      "content-type": `application/x-amz-json-${protocol.version}`,
      "x-amz-target": `${protocol.targetPrefix}.${operation}`,
    },
    body: JSON.stringify(input),
  };
}

/** The JSON object of a successful answer; an error answer throws an {@link AwsFaultError}. */
export function jsonAnswer(answer: RawAnswer): Record<string, unknown> {
  if (answer.status < 200 || answer.status >= 300) throw new AwsFaultError(jsonError(answer));
  const body = parseObject(answer.text);
  if (body === undefined) {
    throw new AwsFaultError({ kind: "malformed", detail: "the answer does not parse" });
  }
  return body;
}

/** The fault an error answer describes (an HTTP fault when it carries no AWS error code). */
export function jsonError(answer: RawAnswer): AwsFault {
  const body = parseObject(answer.text) ?? {};
  const raw = answer.headers.get("x-amzn-errortype") ?? stringField(body, "__type") ??
    stringField(body, "code") ?? stringField(body, "Code");
  const code = raw ? sanitizeCode(raw) : "";
  if (!code) return { kind: "http", status: answer.status };
  const message = stringField(body, "message") ?? stringField(body, "Message") ?? "";
  return { kind: "service", code, message, status: answer.status };
}

/** `com.amazonaws.ssm#ParameterNotFound` or `ParameterNotFound:http://…` → `ParameterNotFound`. */
function sanitizeCode(raw: string): string {
  return raw.split(":")[0].split("#").at(-1)!.trim();
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

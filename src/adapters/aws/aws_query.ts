/**
 * The AWS query protocol (STS, SNS, IAM): a form-encoded `Action=…&Version=…` POST, answered
 * with XML. Only what these APIs return is read: the text of named elements (searched as
 * descendants, so `["Credentials", "AccessKeyId"]` works whatever wraps it) and the error
 * `<Error><Code>…</Code><Message>…</Message></Error>`, which both `ErrorResponse` and
 * `Response/Errors` layouts carry.
 *
 * @module
 */
import { type AwsFault, AwsFaultError } from "./failure.ts";
import type { ProtocolRequest, RawAnswer } from "./signed_fetch.ts";

/** The query request for `action`; parameters that are `undefined` are left out. */
export function queryRequest(
  action: string,
  version: string,
  params: Record<string, string | number | undefined> = {},
): ProtocolRequest {
  const form = new URLSearchParams({ Action: action, Version: version });
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) form.set(key, String(value));
  }
  return {
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    // The WHATWG form encoding leaves `*` bare and escapes `~`; botocore does the opposite. AWS
    // signs the bytes as sent, but moto checks the signature against its own (botocore)
    // encoding of the parsed parameters, so the body is written the way botocore writes it.
    body: form.toString().replaceAll("*", "%2A").replaceAll("%7E", "~"),
  };
}

/** The XML of a successful answer; an error answer throws an {@link AwsFaultError}. */
export function queryAnswer(answer: RawAnswer): string {
  if (answer.status >= 200 && answer.status < 300) return answer.text;
  throw new AwsFaultError(queryError(answer));
}

/** The fault an error answer describes (an HTTP fault when it carries no AWS error code). */
export function queryError(answer: RawAnswer): AwsFault {
  const code = xmlText(answer.text, ["Error", "Code"]);
  if (!code) return { kind: "http", status: answer.status };
  return {
    kind: "service",
    code,
    message: xmlText(answer.text, ["Error", "Message"]) ?? "",
    status: answer.status,
  };
}

/** Like {@link xmlText}, but a missing element is a malformed answer. */
export function requiredXmlText(xml: string, path: readonly string[]): string {
  const value = xmlText(xml, path);
  if (value === undefined || value === "") {
    throw new AwsFaultError({ kind: "malformed", detail: `no ${path.join("/")} in the answer` });
  }
  return value;
}

/**
 * The decoded text of the element reached by `path`: each name is the first element of that name
 * inside the previous one (at any depth). `undefined` when one is missing.
 */
export function xmlText(xml: string, path: readonly string[]): string | undefined {
  let scope = xml;
  for (const name of path) {
    const inner = elementContent(scope, name);
    if (inner === undefined) return undefined;
    scope = inner;
  }
  return /</.test(scope) ? undefined : decodeEntities(scope.trim());
}

function elementContent(xml: string, name: string): string | undefined {
  const open = new RegExp(`<${name}(\\s[^>]*)?(/?)>`).exec(xml);
  if (!open) return undefined;
  if (open[2] === "/") return "";
  const start = open.index + open[0].length;
  const end = xml.indexOf(`</${name}>`, start);
  return end < 0 ? undefined : xml.slice(start, end);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity];
  });
}

/**
 * An IAM policy document from a query answer: IAM sends it URL-encoded (`%7B%22Version…`). Text
 * that already is JSON (some emulators send it decoded) is taken as it is; text that neither
 * decodes nor is JSON is a malformed answer.
 */
export function policyDocumentText(text: string): string {
  if (text.trimStart().startsWith("{")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AwsFaultError({
      kind: "malformed",
      detail: "a policy document that does not decode",
    });
  }
}

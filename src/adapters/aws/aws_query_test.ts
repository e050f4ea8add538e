/** The query protocol: form encoding, XML text and both error layouts. */
import { assertEquals, assertThrows } from "../../../test/assert.ts";
import { queryError, queryRequest, requiredXmlText, xmlText } from "./aws_query.ts";
import { AwsFaultError } from "./failure.ts";

const answer = (status: number, text: string) => ({ status, text, headers: new Headers() });

Deno.test("queryRequest form-encodes the action and leaves out undefined parameters", () => {
  const request = queryRequest("AssumeRole", "2011-06-15", {
    RoleArn: "arn:aws:iam::1:role/R",
    SourceIdentity: "sentinel=a@b.c=r-1",
    DurationSeconds: 900,
    ExternalId: undefined,
  });
  assertEquals(
    request.body,
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR" +
      "&SourceIdentity=sentinel%3Da%40b.c%3Dr-1&DurationSeconds=900",
  );
  assertEquals(request.headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
});

Deno.test("queryRequest encodes `*` and keeps `~`, as botocore (and so moto's signature check) does", () => {
  const request = queryRequest("PutRolePolicy", "2010-05-08", { PolicyDocument: '{"A": "*~ +"}' });
  assertEquals(
    request.body,
    "Action=PutRolePolicy&Version=2010-05-08&PolicyDocument=%7B%22A%22%3A+%22%2A~+%2B%22%7D",
  );
});

Deno.test("xmlText follows descendants and decodes entities", () => {
  const xml = `<AssumeRoleResponse xmlns="x"><AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:role</Arn></AssumedRoleUser>
    <Credentials><SessionToken>a&amp;b&lt;c&#x41;&#66;</SessionToken><Empty/></Credentials>
  </AssumeRoleResult></AssumeRoleResponse>`;
  assertEquals(xmlText(xml, ["Credentials", "SessionToken"]), "a&b<cAB");
  assertEquals(xmlText(xml, ["AssumedRoleUser", "Arn"]), "arn:role");
  assertEquals(xmlText(xml, ["Credentials", "Empty"]), "");
  assertEquals(xmlText(xml, ["Credentials"]), undefined); // not a leaf
  assertEquals(xmlText(xml, ["Credentials", "Expiration"]), undefined);
  const error = assertThrows(
    () => requiredXmlText(xml, ["Credentials", "Expiration"]),
    AwsFaultError,
  );
  assertEquals((error as AwsFaultError).fault, {
    kind: "malformed",
    detail: "no Credentials/Expiration in the answer",
  });
});

Deno.test("queryError reads ErrorResponse and Response/Errors layouts, else the HTTP status", () => {
  assertEquals(
    queryError(answer(
      403,
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>" +
        "<Message>not &quot;allowed&quot;</Message></Error></ErrorResponse>",
    )),
    { kind: "service", code: "AccessDenied", message: 'not "allowed"', status: 403 },
  );
  assertEquals(
    queryError(
      answer(400, "<Response><Errors><Error><Code>Throttling</Code></Error></Errors></Response>"),
    ),
    { kind: "service", code: "Throttling", message: "", status: 400 },
  );
  assertEquals(queryError(answer(502, "<html>bad gateway</html>")), { kind: "http", status: 502 });
});

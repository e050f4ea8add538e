import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import {
  amzDateMs,
  amzDateOf,
  checkProof,
  parseCallerIdentity,
  PROOF_HEADERS,
  proofOf,
  replayKey,
  requestDigest,
  requiredSignedHeaders,
} from "./caller_proof.ts";

const SIGNATURE = "ab".repeat(32);
const NONCE = "k2Xy9mQbT1uVn8wZr4LcPa_-";
const NOW = Date.UTC(2026, 11, 7, 10, 15, 0);
const authorization = (
  signed = "host;x-amz-date;x-sentinel-request;x-sentinel-server",
  scope = "20261207/us-east-1/sts",
) =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${scope}/aws4_request, SignedHeaders=${signed}, Signature=${SIGNATURE}`;
const proof = (over: Partial<{ authorization: string; amzDate: string; token: string }> = {}) => {
  const headers = new Headers({
    [PROOF_HEADERS.authorization]: over.authorization ?? authorization(),
    [PROOF_HEADERS.date]: over.amzDate ?? amzDateOf(NOW),
    [PROOF_HEADERS.nonce]: NONCE,
  });
  if (over.token !== undefined) headers.set(PROOF_HEADERS.token, over.token);
  const read = proofOf(headers);
  if (!read.ok) throw new Error(read.why);
  return read.proof;
};
const why = (result: { ok: true } | { ok: false; why: string }) => result.ok ? "ok" : result.why;
const broker = { region: "us-east-1", now: NOW };

Deno.test("a proof signed for STS in the broker's region, over exactly the required headers, within 5 minutes, is checked", () => {
  const checked = checkProof(proof(), broker);
  assertEquals(checked.ok && checked.signedAt, NOW);
  assertEquals(why(checkProof(proof({ amzDate: amzDateOf(NOW - 4 * 60_000) }), broker)), "ok");
});

Deno.test("a proof dated 6 minutes ago or ahead is refused, whatever STS would accept", () => {
  assertIncludes(
    why(checkProof(proof({ amzDate: amzDateOf(NOW - 6 * 60_000) }), broker)),
    "360 s ago",
  );
  assertIncludes(
    why(checkProof(proof({ amzDate: amzDateOf(NOW + 6 * 60_000) }), broker)),
    "ahead of this broker's clock",
  );
});

Deno.test("a proof that does not sign the broker id and the request digest, or signs more, is refused", () => {
  assertIncludes(
    why(
      checkProof(
        proof({ authorization: authorization("host;x-amz-date;x-sentinel-server") }),
        broker,
      ),
    ),
    "must sign exactly host, x-amz-date, x-sentinel-request, x-sentinel-server",
  );
  assertIncludes(
    why(checkProof(
      proof({
        authorization: authorization(
          "content-type;host;x-amz-date;x-sentinel-request;x-sentinel-server",
        ),
      }),
      broker,
    )),
    "must sign exactly",
  );
  // Temporary credentials sign their token too.
  const token = "FwoGZXIvYXdzEXAMPLETOKEN0123456789abcdef";
  assertIncludes(why(checkProof(proof({ token }), broker)), "x-amz-security-token");
  assertEquals(
    why(checkProof(
      proof({
        token,
        authorization: authorization(requiredSignedHeaders(true).join(";")),
      }),
      broker,
    )),
    "ok",
  );
});

Deno.test("a proof for another service, another region or another day's scope is refused", () => {
  assertIncludes(
    why(
      checkProof(
        proof({ authorization: authorization(undefined, "20261207/us-east-1/iam") }),
        broker,
      ),
    ),
    "not sts",
  );
  assertIncludes(
    why(
      checkProof(
        proof({ authorization: authorization(undefined, "20261207/eu-west-1/sts") }),
        broker,
      ),
    ),
    "in eu-west-1",
  );
  assertIncludes(
    why(
      checkProof(
        proof({ authorization: authorization(undefined, "20261206/us-east-1/sts") }),
        broker,
      ),
    ),
    "another day",
  );
  assertIncludes(why(checkProof(proof({ authorization: "Bearer x" }), broker)), "not a SigV4");
});

Deno.test("missing, oversized or malformed proof headers are named", () => {
  const read = proofOf(new Headers());
  assertIncludes(read.ok ? "" : read.why, "carries no caller proof");
  const long = proofOf(
    new Headers({
      [PROOF_HEADERS.authorization]: "x".repeat(5000),
      [PROOF_HEADERS.date]: "20261207T101500Z",
    }),
  );
  assertIncludes(long.ok ? "" : long.why, "too long");
  const token = proofOf(
    new Headers({
      [PROOF_HEADERS.authorization]: authorization(),
      [PROOF_HEADERS.date]: "20261207T101500Z",
      [PROOF_HEADERS.token]: "not a token\n",
    }),
  );
  assertIncludes(token.ok ? "" : token.why, "not a session token");
  for (const nonce of [undefined, "short", "x".repeat(129), "has spaces in it, twenty-two+"]) {
    const headers = new Headers({
      [PROOF_HEADERS.authorization]: authorization(),
      [PROOF_HEADERS.date]: "20261207T101500Z",
    });
    if (nonce !== undefined) headers.set(PROOF_HEADERS.nonce, nonce);
    const read = proofOf(headers);
    assertIncludes(read.ok ? "" : read.why, `${PROOF_HEADERS.nonce} is missing or not`);
  }
  assertEquals(amzDateMs("20260230T000000Z"), undefined);
  assertEquals(amzDateMs(amzDateOf(NOW)), NOW);
});

Deno.test("the request digest covers method, path, nonce and body; the replay key is the signature", async () => {
  const call = {
    method: "POST",
    path: "/v1/credentials",
    nonce: NONCE,
    body: '{"profile":"prod"}',
  };
  const a = await requestDigest(call);
  assertEquals(a.length, 64);
  assertEquals(a === await requestDigest({ ...call, body: '{"profile":"dev"}' }), false);
  assertEquals(a === await requestDigest({ ...call, path: "/v1/whoami" }), false);
  assertEquals(a === await requestDigest({ ...call, method: "GET" }), false);
  assertEquals(a === await requestDigest({ ...call, nonce: NONCE + "x" }), false);

  const checked = checkProof(proof(), broker);
  assertEquals(checked.ok && replayKey(checked.parts), `proof#${SIGNATURE}`);
});

const ANSWER = (result: string) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>${result}</GetCallerIdentityResult>
  <ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
const GOOD =
  "<Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>";

Deno.test("STS's answer is read strictly: exactly one result with one Arn, UserId and Account", () => {
  assertEquals(parseCallerIdentity(ANSWER(GOOD)), {
    ok: true,
    caller: {
      arn: "arn:aws:iam::123456789012:user/alice",
      userId: "AIDAEXAMPLE",
      account: "123456789012",
    },
  });
  const refused = (xml: string) => {
    const read = parseCallerIdentity(xml);
    return read.ok ? "accepted" : read.why;
  };
  assertIncludes(
    refused(ANSWER(GOOD + "<Arn>arn:aws:iam::123456789012:user/bob</Arn>")),
    "exactly one Arn",
  );
  assertIncludes(
    refused(
      ANSWER(GOOD).replace(
        "</GetCallerIdentityResponse>",
        `<GetCallerIdentityResult>${GOOD}</GetCallerIdentityResult></GetCallerIdentityResponse>`,
      ),
    ),
    "exactly one GetCallerIdentityResult",
  );
  assertIncludes(
    refused(ANSWER(GOOD.replace("123456789012</Account>", "999999999999</Account>"))),
    "outside its Account",
  );
  assertIncludes(
    refused("<ErrorResponse><Error><Code>x</Code></Error></ErrorResponse>"),
    "not a GetCallerIdentityResponse",
  );
  assertIncludes(
    refused(
      ANSWER(
        '<Arn kind="x">arn:aws:iam::123456789012:user/alice</Arn><UserId>A</UserId><Account>123456789012</Account>',
      ),
    ),
    "exactly one Arn",
  );
});

import fc from "fast-check";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { assertEquals } from "../../test/assert.ts";
import { signRequest } from "./aws_sigv4.ts";

const key = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  service: "service",
};

Deno.test("the AWS SigV4 test suite's get-vanilla request", async () => {
  const headers = await signRequest(
    { method: "GET", url: "https://example.amazonaws.com/", headers: {}, body: "" },
    key,
    new Date("2015-08-30T12:36:00Z"),
  );
  assertEquals(
    headers.authorization,
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  );
});

Deno.test("signatures agree with the AWS SDK's signer on random requests", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 200 }),
      fc.constantFrom("sns", "logs"),
      fc.constantFrom("us-east-1", "eu-central-1"),
      fc.option(fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/\s/g, "x")), {
        nil: undefined,
      }),
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      async (body, service, region, sessionToken, ms) => {
        const now = new Date(Math.floor(ms / 1000) * 1000);
        const credentials = { ...key, sessionToken, region, service };
        const ours = await signRequest(
          {
            method: "POST",
            url: `https://${service}.${region}.amazonaws.com/`,
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body,
          },
          credentials,
          now,
        );
        const signer = new SignatureV4({
          service,
          region,
          credentials: {
            accessKeyId: key.accessKeyId,
            secretAccessKey: key.secretAccessKey,
            sessionToken,
          },
          sha256: Sha256,
          applyChecksum: false,
        });
        const signed = await signer.sign({
          method: "POST",
          protocol: "https:",
          hostname: `${service}.${region}.amazonaws.com`,
          path: "/",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            host: `${service}.${region}.amazonaws.com`,
          },
          body,
        }, { signingDate: now });
        assertEquals(ours.authorization, signed.headers.authorization);
      },
    ),
    { numRuns: 200 },
  );
});

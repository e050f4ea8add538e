import { assertEquals } from "../../test/assert.ts";
import {
  brokerTrustPolicy,
  isRoleArn,
  serviceControlPolicy,
  sourceIdentityPatterns,
  trustPolicy,
} from "./trust_policy.ts";
import { formatSourceIdentity } from "./issuance/source_identity.ts";
import { globMatches } from "./policy/glob.ts";

Deno.test("SourceIdentity patterns match what Sentinel stamps, and only for listed users", () => {
  const stamp = formatSourceIdentity("Jürgen@example.com", "0123456789abcdef");
  for (const pattern of sourceIdentityPatterns()) assertEquals(globMatches(pattern, stamp), true);
  const [only] = sourceIdentityPatterns(["Jürgen@example.com"]);
  assertEquals(globMatches(only, stamp), true);
  assertEquals(
    globMatches(only, formatSourceIdentity("alice@example.com", "0123456789abcdef")),
    false,
  );
});

Deno.test("trust policy: enforcing and migration variants", () => {
  assertEquals(trustPolicy({ principals: ["123456789012"] }), {
    Version: "2012-10-17",
    Statement: [{
      Sid: "AllowSentinelStampedSessions",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::123456789012:root"] },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { StringLike: { "sts:SourceIdentity": ["sentinel=*=*"] } },
    }],
  });
  const migration = trustPolicy({ principals: ["123456789012"], migration: true, externalId: "x" });
  assertEquals((migration.Statement as unknown[]).length, 2);
  assertEquals((migration.Statement as { Condition: unknown }[])[1].Condition, {
    Null: { "sts:SourceIdentity": "true" },
    StringEquals: { "sts:ExternalId": "x" },
  });
});

Deno.test("SCP denies the protected roles without the stamp; migration only denies forgeries", () => {
  const scp = serviceControlPolicy({ roles: ["arn:aws:iam::*:role/Prod*"], users: ["alice"] });
  assertEquals((scp.Statement as { Condition: unknown }[])[0].Condition, {
    StringNotLike: { "sts:SourceIdentity": ["sentinel=alice=*"] },
  });
  const migration = serviceControlPolicy({ roles: ["*"], migration: true });
  assertEquals((migration.Statement as { Condition: unknown }[])[0].Condition, {
    StringNotLike: { "sts:SourceIdentity": ["sentinel=*=*"] },
    Null: { "sts:SourceIdentity": "false" },
  });
});

Deno.test("broker trust policy: only the broker role, with SetSourceIdentity and the stamp", () => {
  const broker = "arn:aws:iam::123456789012:role/SentinelBroker";
  assertEquals(brokerTrustPolicy({ brokerRole: broker, users: ["alice"], externalId: "x" }), {
    Version: "2012-10-17",
    Statement: [{
      Sid: "AllowOnlyTheSentinelBroker",
      Effect: "Allow",
      Principal: { AWS: [broker] },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: {
        StringLike: { "sts:SourceIdentity": ["sentinel=alice=*"] },
        StringEquals: { "sts:ExternalId": "x" },
      },
    }],
  });
});

Deno.test("role ARNs: partitions, paths and names; anything else is refused", () => {
  for (
    const arn of [
      "arn:aws:iam::123456789012:role/SentinelBroker",
      "arn:aws-cn:iam::123456789012:role/ops/team/Broker",
      "arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f-g_h",
    ]
  ) assertEquals(isRoleArn(arn), true, arn);
  for (
    const arn of [
      "123456789012",
      "arn:aws:iam::123456789012:root",
      "arn:aws:iam::123456789012:user/alice",
      "arn:aws:iam::12345678901:role/Short",
      "arn:aws:sts::123456789012:assumed-role/Broker/s",
      "arn:aws:iam::123456789012:role/",
      "arn:aws:iam::123456789012:role/Broker ",
      "arn:aws:iam::123456789012:role/" + "x".repeat(65),
      "arn:gcp:iam::123456789012:role/Broker",
    ]
  ) assertEquals(isRoleArn(arn), false, arn);
});

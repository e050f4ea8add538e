import { assertEquals } from "../../test/assert.ts";
import { identityFromArn } from "./identity.ts";

Deno.test("caller ARNs parse into the user policies match on", () => {
  const cases: [string, string | undefined, string?][] = [
    ["arn:aws:iam::123456789012:user/alice", "alice", "iam_user"],
    ["arn:aws:iam::123456789012:user/division/team/bob", "bob", "iam_user"],
    [
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1a2b/alice@example.com",
      "alice@example.com",
      "assumed_role",
    ],
    ["arn:aws:sts::123456789012:federated-user/carol", "carol", "federated_user"],
    ["arn:aws:iam::123456789012:root", "root", "root"],
    ["arn:aws-us-gov:iam::123456789012:user/dave", "dave", "iam_user"],
    ["arn:aws-cn:sts::123456789012:assumed-role/R/s", "s", "assumed_role"],
    ["arn:aws:iam::123456789012:role/Admin", undefined],
    ["arn:aws:sts::123456789012:assumed-role/OnlyRole", undefined],
    ["arn:aws:iam::12345:user/x", undefined],
    ["not an arn", undefined],
    ["arn:aws:iam::123456789012:user/", undefined],
  ];
  for (const [arn, user, kind] of cases) {
    const identity = identityFromArn(arn);
    assertEquals(identity?.user, user, arn);
    if (kind) assertEquals(identity?.kind, kind, arn);
  }
  assertEquals(
    identityFromArn("arn:aws:sts::123456789012:assumed-role/Admin/alice")?.role,
    "Admin",
  );
});

import { assertEquals } from "../../test/assert.ts";
import {
  DEFAULT_SESSION_NAME_ROLES,
  identityFromArn,
  identityNaming,
  policyUserName,
  samePrincipal,
} from "./identity.ts";
import { compilePrincipalMatcher } from "./policy/principal.ts";

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

const HOME = "123456789012";
const naming = { sessionNameRoles: DEFAULT_SESSION_NAME_ROLES, accounts: [HOME] };
const nameOf = (arn: string) => policyUserName(identityFromArn(arn)!, naming);

Deno.test("an identity has a plain name only in an account the policy trusts for plain names", () => {
  assertEquals(nameOf(`arn:aws:iam::${HOME}:user/bob`), "bob");
  assertEquals(nameOf("arn:aws:iam::999999999999:user/bob"), "arn:aws:iam::999999999999:user/bob");
  const foreignSso = "arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_Admin_1a/bob";
  assertEquals(nameOf(foreignSso), foreignSso);
  assertEquals(nameOf(`arn:aws:sts::${HOME}:assumed-role/AWSReservedSSO_Admin_1a/bob`), "bob");
  assertEquals(nameOf(`arn:aws:sts::${HOME}:assumed-role/Ops/bob`), "Ops/bob");
  assertEquals(nameOf(`arn:aws:iam::${HOME}:root`), "root");
  const trusting = { ...naming, accounts: [HOME, "999999999999"] };
  assertEquals(
    policyUserName(identityFromArn("arn:aws:iam::999999999999:user/bob")!, trusting),
    "bob",
  );
});

Deno.test("a federated user (GetFederationToken names itself) is always named by its ARN", () => {
  for (const name of ["bob", "ALICE", "carol"]) {
    const arn = `arn:aws:sts::${HOME}:federated-user/${name}`;
    assertEquals(nameOf(arn), arn);
  }
});

Deno.test("the default plain-name account is the role's own; without a role, the fallback", () => {
  const doc = {};
  assertEquals(identityNaming(doc, "arn:aws:iam::111122223333:role/Prod").accounts, [
    "111122223333",
  ]);
  assertEquals(identityNaming(doc, undefined, HOME).accounts, [HOME]);
  assertEquals(identityNaming(doc, undefined).accounts, []);
  assertEquals(
    identityNaming({ identity: { accounts: ["444455556666"] } }, "arn:aws:iam::1:role/x")
      .accounts,
    ["444455556666"],
  );
});

Deno.test("plain patterns (even *) never match an ARN name; ARN patterns match only ARNs", () => {
  const anyone = compilePrincipalMatcher(["*"]);
  assertEquals(anyone("bob"), true);
  assertEquals(anyone(`arn:aws:sts::${HOME}:federated-user/ALICE`), false);
  const partner = compilePrincipalMatcher(["alice", "arn:aws:iam::999999999999:user/*"]);
  assertEquals(partner("alice"), true);
  assertEquals(partner("arn:aws:iam::999999999999:user/bob"), true);
  assertEquals(partner("arn:aws:iam::888888888888:user/bob"), false);
  assertEquals(partner("bob"), false);
});

Deno.test("the same person: the same policy name or the same ARN", () => {
  assertEquals(samePrincipal({ name: "alice" }, { name: "alice", arn: "x" }), true);
  assertEquals(samePrincipal({ name: "a", arn: "arn:1" }, { name: "b", arn: "arn:1" }), true);
  assertEquals(samePrincipal({ name: "a", arn: "arn:1" }, { name: "b", arn: "arn:2" }), false);
  assertEquals(samePrincipal({ name: "a" }, { name: "b" }), false);
});

/**
 * The trust-policy analysis of `enforce plan`, table-driven: every shape of Principal, Action and
 * NotAction, Deny statements that close (and those that are not relied on), conditions listed but
 * never trusted to close, the broker's own access, and documents that cannot be read.
 */
import { assertEquals, assertIncludes, assertTrue } from "../../test/assert.ts";
import { analyseTrustPolicy, type TrustAnalysis } from "./trust_analysis.ts";
import { brokerTrustPolicy, trustPolicy } from "./trust_policy.ts";

const ACCOUNT = "123456789012";
const BROKER = `arn:aws:iam::${ACCOUNT}:role/SentinelBroker`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const BOTH = ["sts:AssumeRole", "sts:SetSourceIdentity"];

type Statement = Record<string, unknown>;

const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
const allow = (principal: unknown, extra: Statement = {}): Statement => ({
  Effect: "Allow",
  Principal: principal,
  Action: BOTH,
  ...extra,
});
const BROKER_ONLY = allow({ AWS: BROKER });

/** The openings as `principal kind actions`, for compact comparisons. */
function summary(analysis: TrustAnalysis): string[] {
  return analysis.others.map((o) => `${o.principal} | ${o.kind} | ${o.actions.join(",")}`);
}

Deno.test("the broker-only trust policy Sentinel prints is closed, and the broker is admitted", () => {
  for (const users of [undefined, ["alice@example.com"]]) {
    const analysis = analyseTrustPolicy(brokerTrustPolicy({ brokerRole: BROKER, users }), BROKER);
    assertEquals([analysis.ok, analysis.others, analysis.notes], [true, [], []]);
    assertEquals(analysis.broker?.admitted, true);
    assertIncludes(analysis.broker!.detail, "AllowOnlyTheSentinelBroker (#0) admits the broker");
    assertIncludes(analysis.broker!.detail, "StringLike sts:SourceIdentity sentinel=");
  }
  // As JSON text (what GetRole gives, decoded), with an ExternalId too.
  const text = JSON.stringify(brokerTrustPolicy({ brokerRole: BROKER, externalId: "x-1" }));
  assertEquals(analyseTrustPolicy(text, BROKER).ok, true);
});

Deno.test("the local-mode trust policy (an account and a SourceIdentity condition) is open", () => {
  const analysis = analyseTrustPolicy(trustPolicy({ principals: [ACCOUNT] }), BROKER);
  assertEquals(analysis.ok, false);
  assertEquals(summary(analysis), [`AWS ${ROOT} | account | sts:AssumeRole`]);
  const [open] = analysis.others;
  assertEquals([open.index, open.sid], [0, "AllowSentinelStampedSessions"]);
  assertEquals(open.conditions, ["StringLike sts:SourceIdentity sentinel=*=*"]);
  assertIncludes(open.why, `any principal of account ${ACCOUNT} whose own IAM policies allow`);
  assertIncludes(open.why, "the broker's account: the broker among others");
  assertIncludes(open.why, "do not close it");
  assertIncludes(open.why, "may call sts:SetSourceIdentity can set a Sentinel-shaped one itself");
  // The broker gets in through its account, if its own IAM policy allows it.
  assertEquals(analysis.broker?.admitted, true);
  assertIncludes(analysis.broker!.detail, "through its account (or everyone), so the broker's own");
  // An account other than the broker's does not admit it.
  const elsewhere = analyseTrustPolicy(trustPolicy({ principals: ["999999999999"] }), BROKER);
  assertEquals(elsewhere.broker?.admitted, false);
  assertIncludes(elsewhere.broker!.detail, "no Allow statement admits the broker role");
});

Deno.test("every way to write a Principal", () => {
  const cases: [string, unknown, string[]][] = [
    ["a bare *", "*", ["* | everyone | sts:AssumeRole"]],
    ["AWS *", { AWS: "*" }, ["AWS * | everyone | sts:AssumeRole"]],
    ["an account id", { AWS: "999999999999" }, ["AWS 999999999999 | account | sts:AssumeRole"]],
    ["an account root", { AWS: ROOT }, [`AWS ${ROOT} | account | sts:AssumeRole`]],
    ["a user as a string", { AWS: ALICE }, [`AWS ${ALICE} | principal | sts:AssumeRole`]],
    ["the broker and a user", { AWS: [BROKER, ALICE] }, [
      `AWS ${ALICE} | principal | sts:AssumeRole`,
    ]],
    ["the broker only", { AWS: [BROKER] }, []],
    ["a session of the broker", {
      AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/SentinelBroker/sentinel`,
    }, []],
    ["a session of another role", {
      AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Other/s`,
    }, [`AWS arn:aws:sts::${ACCOUNT}:assumed-role/Other/s | principal | sts:AssumeRole`]],
    ["a service", { Service: "ec2.amazonaws.com" }, [
      "Service ec2.amazonaws.com | service | sts:AssumeRole",
    ]],
    ["a federated provider", { Federated: "cognito-identity.amazonaws.com" }, [
      "Federated cognito-identity.amazonaws.com | federated | sts:AssumeRole",
    ]],
    ["a canonical user", { CanonicalUser: "79a59df9" }, [
      "CanonicalUser 79a59df9 | canonical_user | sts:AssumeRole",
    ]],
    ["an AWS value that is no ARN", { AWS: "alice" }, ["AWS alice | unknown | sts:AssumeRole"]],
    ["an unknown key", { Aws: ALICE }, [`Aws ${ALICE} | unknown | sts:AssumeRole`]],
    ["a number", { AWS: 123 }, ["? | unknown | sts:AssumeRole"]],
    ["an array", ["*"], ["? | unknown | sts:AssumeRole"]],
  ];
  for (const [name, principal, expected] of cases) {
    assertEquals(summary(analyseTrustPolicy(doc(allow(principal)), BROKER)), expected, name);
  }
});

Deno.test("other partitions, and a role path, read the same", () => {
  const broker = "arn:aws-cn:iam::123456789012:role/ops/SentinelBroker";
  const analysis = analyseTrustPolicy(
    doc(allow({ AWS: [broker, "arn:aws-cn:iam::123456789012:root"] })),
    broker,
  );
  assertEquals(summary(analysis), [
    "AWS arn:aws-cn:iam::123456789012:root | account | sts:AssumeRole",
  ]);
  assertEquals(analysis.broker?.admitted, true);
});

Deno.test("Action and NotAction: names, globs and case; only ways to assume count", () => {
  const cases: [string, Statement, string[]][] = [
    ["sts:*", { Action: "sts:*" }, [
      "sts:AssumeRole",
      "sts:AssumeRoleWithSAML",
      "sts:AssumeRoleWithWebIdentity",
    ]],
    ["*", { Action: "*" }, [
      "sts:AssumeRole",
      "sts:AssumeRoleWithSAML",
      "sts:AssumeRoleWithWebIdentity",
    ]],
    ["a glob", { Action: "sts:Assume?ole" }, ["sts:AssumeRole"]],
    ["another case", { Action: "STS:assumerole" }, ["sts:AssumeRole"]],
    ["web identity", { Action: "sts:AssumeRoleWithWebIdentity" }, [
      "sts:AssumeRoleWithWebIdentity",
    ]],
    ["NotAction of something else", { NotAction: "sts:TagSession" }, [
      "sts:AssumeRole",
      "sts:AssumeRoleWithSAML",
      "sts:AssumeRoleWithWebIdentity",
    ]],
    ["NotAction of every assume", { NotAction: ["sts:AssumeRole*"] }, []],
    ["TagSession only", { Action: "sts:TagSession" }, []],
    ["SetSourceIdentity only", { Action: "sts:SetSourceIdentity" }, []],
  ];
  for (const [name, action, expected] of cases) {
    const statement: Statement = { Effect: "Allow", Principal: { AWS: ALICE }, ...action };
    const analysis = analyseTrustPolicy(doc(statement), BROKER);
    assertEquals(analysis.others.flatMap((o) => o.actions), expected, name);
  }
});

Deno.test("a statement is named by its Sid and its index", () => {
  const analysis = analyseTrustPolicy(
    doc(BROKER_ONLY, allow({ AWS: ALICE }, { Sid: "Alice" }), allow({ AWS: ROOT })),
    BROKER,
  );
  assertEquals(analysis.others.map((o) => [o.index, o.sid]), [[1, "Alice"], [2, null]]);
  assertEquals(analysis.broker?.admitted, true);
  assertEquals(analysis.ok, false);
});

Deno.test("conditions on an Allow are listed, never trusted to close it", () => {
  const statement = allow({ AWS: ALICE }, {
    Condition: {
      StringEquals: { "sts:ExternalId": "x-1", "aws:SourceIp": ["10.0.0.1", "10.0.0.2"] },
      StringLike: { "sts:SourceIdentity": "sentinel=*" },
      NumericLessThan: { "aws:MultiFactorAuthAge": 3600 },
    },
  });
  const [open] = analyseTrustPolicy(doc(BROKER_ONLY, statement), BROKER).others;
  assertEquals(open.conditions, [
    "StringEquals sts:ExternalId x-1",
    "StringEquals aws:SourceIp 10.0.0.1, 10.0.0.2",
    "StringLike sts:SourceIdentity sentinel=*",
    "NumericLessThan aws:MultiFactorAuthAge 3600",
  ]);
  assertIncludes(open.why, `${ALICE} itself, without the broker`);
  assertIncludes(open.why, "an ExternalId is a shared value, not proof of who calls");
  assertIncludes(open.why, "(aws:SourceIp, aws:MultiFactorAuthAge) are not relied on");
});

Deno.test("an Allow that requires the broker's aws:PrincipalArn admits only the broker", () => {
  for (const operator of ["ArnEquals", "StringEquals", "ArnLike", "StringLike"]) {
    const statement = allow({ AWS: ROOT }, {
      Condition: { [operator]: { "aws:PrincipalArn": BROKER } },
    });
    const analysis = analyseTrustPolicy(doc(statement), BROKER);
    assertEquals(
      [analysis.ok, analysis.others, analysis.broker?.admitted],
      [true, [], true],
      operator,
    );
  }
  // Any other ARN among the values keeps it open; so does an IfExists (absent keys pass).
  for (
    const condition of [
      { ArnEquals: { "aws:PrincipalArn": [BROKER, ALICE] } },
      { ArnEqualsIfExists: { "aws:PrincipalArn": BROKER } },
    ]
  ) {
    const analysis = analyseTrustPolicy(
      doc(allow({ AWS: ROOT }, { Condition: condition })),
      BROKER,
    );
    assertEquals(summary(analysis), [`AWS ${ROOT} | account | sts:AssumeRole`]);
  }
});

Deno.test("a Deny with no condition closes what it surely covers, action by action", () => {
  const cases: [string, Statement, string[], boolean][] = [
    ["Principal * denies everyone, the broker too", { Principal: "*" }, [], false],
    ["AWS * too", { Principal: { AWS: "*" } }, [], false],
    ["alice only", { Principal: { AWS: ALICE } }, [
      `AWS ${ROOT} | account | sts:AssumeRole`,
      "AWS arn:aws:iam::999999999999:root | account | sts:AssumeRole",
    ], true],
    ["the broker's account: alice, the account and the broker", { Principal: { AWS: ACCOUNT } }, [
      "AWS arn:aws:iam::999999999999:root | account | sts:AssumeRole",
    ], false],
    ["only SAML: AssumeRole stays open", { Principal: "*", Action: "sts:AssumeRoleWithSAML" }, [
      `AWS ${ALICE} | principal | sts:AssumeRole`,
      `AWS ${ROOT} | account | sts:AssumeRole`,
      "AWS arn:aws:iam::999999999999:root | account | sts:AssumeRole",
    ], true],
  ];
  for (const [name, deny, expected, brokerAdmitted] of cases) {
    const analysis = analyseTrustPolicy(
      doc(
        BROKER_ONLY,
        allow({ AWS: [ALICE, ROOT, "arn:aws:iam::999999999999:root"] }),
        { Effect: "Deny", Action: "sts:AssumeRole", ...deny },
      ),
      BROKER,
    );
    assertEquals(summary(analysis), expected, name);
    assertEquals(analysis.broker?.admitted, brokerAdmitted, name);
  }
});

Deno.test("a Deny of a service or provider closes only that one; AWS * does not reach them", () => {
  const allowAll = allow({
    Service: "ec2.amazonaws.com",
    Federated: ["accounts.google.com", "cognito-identity.amazonaws.com"],
  }, { Action: "sts:*" });
  const analysis = analyseTrustPolicy(
    doc(BROKER_ONLY, allowAll, {
      Effect: "Deny",
      Principal: { Federated: "Accounts.Google.com", AWS: "*" },
      Action: "sts:*",
    }),
    BROKER,
  );
  assertEquals(analysis.others.map((o) => o.principal), [
    "Service ec2.amazonaws.com",
    "Federated cognito-identity.amazonaws.com",
  ]);
});

Deno.test("Deny with NotPrincipal: everyone not listed is denied — the broker role's sessions too", () => {
  const others = allow({ AWS: [ALICE, ROOT, "*"] });
  const roleOnly = analyseTrustPolicy(
    doc(BROKER_ONLY, others, { Effect: "Deny", NotPrincipal: { AWS: BROKER }, Action: "sts:*" }),
    BROKER,
  );
  assertEquals([roleOnly.ok, roleOnly.others], [false, []]);
  assertEquals(roleOnly.broker?.admitted, false);
  assertIncludes(roleOnly.broker!.detail, "Deny #2 refuses it");
  assertEquals(roleOnly.notes.length, 1);
  assertIncludes(
    roleOnly.notes[0],
    "exempts the broker role in NotPrincipal but none of its sessions",
  );
  assertIncludes(roleOnly.notes[0], "aws:PrincipalArn");

  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/SentinelBroker/sentinel`;
  const withSession = analyseTrustPolicy(
    doc(BROKER_ONLY, others, {
      Effect: "Deny",
      NotPrincipal: { AWS: [BROKER, session] },
      Action: "sts:AssumeRole",
    }),
    BROKER,
  );
  assertEquals([withSession.ok, withSession.others, withSession.notes], [true, [], []]);

  // Listing alice or an account keeps them open.
  const listed = analyseTrustPolicy(
    doc(BROKER_ONLY, others, {
      Effect: "Deny",
      NotPrincipal: { AWS: [BROKER, session, ALICE] },
      Action: "sts:AssumeRole",
    }),
    BROKER,
  );
  assertEquals(summary(listed), [
    `AWS ${ALICE} | principal | sts:AssumeRole`,
    `AWS ${ROOT} | account | sts:AssumeRole`,
    "AWS * | everyone | sts:AssumeRole",
  ]);
  const account = analyseTrustPolicy(
    doc(BROKER_ONLY, others, {
      Effect: "Deny",
      NotPrincipal: { AWS: [session, ACCOUNT] },
      Action: "sts:AssumeRole",
    }),
    BROKER,
  );
  assertEquals(summary(account), [
    `AWS ${ALICE} | principal | sts:AssumeRole`,
    `AWS ${ROOT} | account | sts:AssumeRole`,
    "AWS * | everyone | sts:AssumeRole",
  ]);
});

Deno.test("Deny for every aws:PrincipalArn but the broker's closes everyone else", () => {
  for (
    const operator of ["StringNotEquals", "ArnNotEquals", "ArnNotLike", "StringNotLikeIfExists"]
  ) {
    const analysis = analyseTrustPolicy(
      doc(BROKER_ONLY, allow({ AWS: [ALICE, ROOT, "*"] }), {
        Effect: "Deny",
        Principal: "*",
        Action: "sts:AssumeRole",
        Condition: { [operator]: { "aws:PrincipalArn": [BROKER] } },
      }),
      BROKER,
    );
    assertEquals([analysis.ok, analysis.others, analysis.notes], [true, [], []], operator);
    assertEquals(analysis.broker?.admitted, true, operator);
  }
  // A pattern that takes in more than the broker: the named user is closed, the account is not.
  const wide = analyseTrustPolicy(
    doc(BROKER_ONLY, allow({ AWS: [ALICE, ROOT] }), {
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "sts:AssumeRole",
      Condition: { ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/Sentinel*` } },
    }),
    BROKER,
  );
  assertEquals(summary(wide), [`AWS ${ROOT} | account | sts:AssumeRole`]);
  assertEquals(wide.broker?.admitted, true);
  // A Deny whose ARN pattern leaves out the broker denies the broker.
  const wrong = analyseTrustPolicy(
    doc(BROKER_ONLY, {
      Effect: "Deny",
      Principal: "*",
      Action: "sts:*",
      Condition: { StringNotEquals: { "aws:PrincipalArn": ALICE } },
    }),
    BROKER,
  );
  assertEquals([wrong.ok, wrong.broker?.admitted], [false, false]);
});

Deno.test("a Deny with other conditions is noted and not relied on", () => {
  const analysis = analyseTrustPolicy(
    doc(BROKER_ONLY, allow({ AWS: ALICE }), {
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRole",
      Condition: { StringNotLike: { "sts:SourceIdentity": "sentinel=*" } },
    }, {
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRole",
      Condition: {
        StringNotEquals: { "aws:PrincipalArn": BROKER },
        Bool: { "aws:SecureTransport": "false" },
      },
    }),
    BROKER,
  );
  assertEquals(summary(analysis), [`AWS ${ALICE} | principal | sts:AssumeRole`]);
  assertEquals(analysis.notes.length, 2);
  assertIncludes(analysis.notes[0], "Deny #2 has conditions (sts:SourceIdentity)");
  assertIncludes(analysis.notes[1], "(aws:PrincipalArn, aws:SecureTransport)");
  assertEquals(analysis.broker?.admitted, true);
});

Deno.test("an Allow with NotPrincipal, or without a Principal, counts as open", () => {
  const not = analyseTrustPolicy(
    doc(BROKER_ONLY, { Effect: "Allow", NotPrincipal: { AWS: ALICE }, Action: "sts:AssumeRole" }),
    BROKER,
  );
  assertEquals(summary(not), [`NotPrincipal AWS ${ALICE} | unknown | sts:AssumeRole`]);
  assertIncludes(not.others[0].why, `everyone except AWS ${ALICE}`);
  const none = analyseTrustPolicy(doc(BROKER_ONLY, { Effect: "Allow", Action: "sts:*" }), BROKER);
  assertEquals(none.others[0].kind, "unknown");
  assertIncludes(none.others[0].why, "no Principal: Sentinel cannot tell who that admits");
});

Deno.test("the broker needs sts:SetSourceIdentity as well as sts:AssumeRole", () => {
  const analysis = analyseTrustPolicy(
    doc(allow({ AWS: BROKER }, { Sid: "Broker", Action: "sts:AssumeRole" })),
    BROKER,
  );
  assertEquals([analysis.ok, analysis.others, analysis.broker?.admitted], [false, [], false]);
  assertIncludes(
    analysis.broker!.detail,
    "Broker (#0) allows the broker sts:AssumeRole but nothing allows it sts:SetSourceIdentity",
  );
  // Two statements together are enough.
  const split = analyseTrustPolicy(
    doc(
      allow({ AWS: BROKER }, { Action: "sts:AssumeRole" }),
      allow({ AWS: BROKER }, { Action: "sts:SetSourceIdentity" }),
    ),
    BROKER,
  );
  assertEquals(split.ok, true);
});

Deno.test("a deleted principal (IAM's unique id) admits no one: a note, not an opening", () => {
  const analysis = analyseTrustPolicy(
    doc(allow({ AWS: [BROKER, "AROAEXAMPLEID12345678"] })),
    BROKER,
  );
  assertEquals([analysis.ok, analysis.others.length], [true, 0]);
  assertIncludes(analysis.notes[0], "AROAEXAMPLEID12345678, a unique id IAM shows for a deleted");
});

Deno.test("without a broker, everyone who can assume the role is an opening", () => {
  const analysis = analyseTrustPolicy(brokerTrustPolicy({ brokerRole: BROKER }));
  assertEquals(analysis.broker, null);
  assertEquals(summary(analysis), [`AWS ${BROKER} | principal | sts:AssumeRole`]);
  assertEquals(analysis.ok, false);
  assertEquals(analyseTrustPolicy(doc({ ...BROKER_ONLY, Action: "sts:TagSession" })).ok, true);
});

Deno.test("a single Statement object reads like a list of one", () => {
  const analysis = analyseTrustPolicy({ Version: "2012-10-17", Statement: allow("*") }, BROKER);
  assertEquals(summary(analysis), ["* | everyone | sts:AssumeRole"]);
});

Deno.test("a document or statement that cannot be read counts as open (a Deny: not counted)", () => {
  for (
    const [document, why] of [
      ["{not json", "not JSON"],
      ["[]", "not an object"],
      [{ Version: "2012-10-17" }, "no Statement"],
      [null, "not an object"],
    ] as [unknown, string][]
  ) {
    const analysis = analyseTrustPolicy(document, BROKER);
    assertEquals([analysis.ok, analysis.others.length, analysis.others[0].index], [false, 1, -1]);
    assertIncludes(analysis.others[0].why, `the trust policy cannot be read (${why})`);
    assertEquals(analysis.broker?.admitted, false);
  }
  const statements = analyseTrustPolicy(
    doc(
      BROKER_ONLY,
      "text",
      { Effect: "allow", Principal: "*", Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: "*" },
      { Effect: "Allow", Principal: "*", Action: "sts:*", Condition: { StringLike: "x" } },
      { Effect: "Deny", Principal: "*" },
    ),
    BROKER,
  );
  assertEquals(statements.others.map((o) => o.index), [1, 2, 3, 4]);
  assertIncludes(statements.others[1].why, "Effect is neither Allow nor Deny");
  assertIncludes(statements.others[2].why, "no Action or NotAction that can be read");
  assertIncludes(statements.others[3].why, "a Condition that cannot be read");
  assertEquals(statements.notes, [
    "Deny #5 cannot be read (no Action or NotAction that can be read): not counted as closing anything",
  ]);
  assertTrue(statements.broker?.admitted === true);
});

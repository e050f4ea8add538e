/**
 * The AWS calls issuance and the policy tools make, as ports: STS (who are these credentials, the
 * second hop), SSM Parameter Store (the policy) and IAM (the trust policies `enforce plan` reads,
 * the revocation policy `sentinel revoke` writes). Two transports implement them — the AWS SDK and
 * a light `fetch` + SigV4 one — and both pass the same contract tests. Every call takes a
 * {@link AwsCall}: the region and a deadline; a transport that cannot answer before the deadline
 * fails with exit code 6 and names the endpoint, never hangs.
 *
 * @module
 */

/** A set of AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working. */
  expiration?: Date;
}

/** Temporary credentials, which always expire. */
export interface SessionCredentials extends AwsCredentials {
  sessionToken: string;
  expiration: Date;
}

/** Where and until when one call may run. */
export interface AwsCall {
  region: string;
  /** Aborts the call (connect and the whole request): the command's remaining time budget. */
  signal: AbortSignal;
}

/** What STS GetCallerIdentity says about a set of credentials. */
export interface CallerIdentity {
  arn: string;
  account: string;
}

/** What the second hop asks STS for. */
export interface AssumeRoleParams {
  roleArn: string;
  roleSessionName: string;
  sourceIdentity: string;
  durationSeconds: number;
  externalId?: string;
}

/** STS as issuance uses it. */
export interface StsPort {
  getCallerIdentity(credentials: AwsCredentials, call: AwsCall): Promise<CallerIdentity>;
  assumeRole(
    credentials: AwsCredentials,
    call: AwsCall,
    params: AssumeRoleParams,
  ): Promise<SessionCredentials>;
}

/** A parameter's value and version. */
export interface ParameterValue {
  value: string;
  version: number;
}

/** SSM Parameter Store as the policy source uses it. */
export interface SsmPort {
  /** GetParameter with decryption (String and SecureString). */
  getParameter(credentials: AwsCredentials, call: AwsCall, name: string): Promise<ParameterValue>;
  /** PutParameter, overwriting; returns the new version. */
  putParameter(
    credentials: AwsCredentials,
    call: AwsCall,
    name: string,
    value: string,
    secure: boolean,
  ): Promise<number>;
}

/** A role as IAM GetRole describes it. */
export interface RoleDescription {
  arn: string;
  name: string;
  /** Its trust policy (AssumeRolePolicyDocument) as JSON text, decoded from IAM's URL encoding. */
  trustPolicy: string;
}

/**
 * IAM as `enforce plan` (GetRole) and `sentinel revoke` (a role's inline revocation policy) use
 * it. IAM is global: the call's region only chooses the partition (`cn-*`, `us-gov-*`, else the
 * commercial one), whose IAM endpoint and signing region are used.
 */
export interface IamPort {
  /** GetRole of `roleName` (the name, without its path) in the account of `credentials`. */
  getRole(credentials: AwsCredentials, call: AwsCall, roleName: string): Promise<RoleDescription>;
  /**
   * GetRolePolicy: the document of the role's inline policy `policyName` as JSON text, decoded
   * from IAM's URL encoding, or `undefined` when the role has no inline policy of that name (IAM's
   * NoSuchEntity — also when the role itself does not exist: PutRolePolicy then says so).
   */
  getRolePolicy(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    policyName: string,
  ): Promise<string | undefined>;
  /** PutRolePolicy: creates or replaces the role's inline policy `policyName` with `document`. */
  putRolePolicy(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    policyName: string,
    document: string,
  ): Promise<void>;
}

/** The AWS ports a transport provides. */
export interface AwsPorts {
  sts: StsPort;
  ssm: SsmPort;
  /**
   * IAM; both real transports provide it. Optional so that a bundle made for STS and SSM alone
   * (the fast tests' fakes) still fits: a use case that needs it says so when it is missing.
   */
  iam?: IamPort;
}

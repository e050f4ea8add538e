/**
 * The AWS calls issuance and the policy tools make, as ports: STS (who are these credentials, the
 * second hop) and SSM Parameter Store (the policy). Two transports implement them — the AWS SDK and
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

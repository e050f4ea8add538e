/**
 * Loads the policy for issuance: from a file (read and validated every time) or from SSM Parameter
 * Store (`ssm:<name>`, decrypted, validated, cached for the policy TTL). Any load or validation
 * error is thrown: issuance fails closed.
 *
 * @module
 */
import { getParameter } from "../adapters/aws/sdk.ts";
import type { AwsCredentials } from "../adapters/aws/sdk.ts";
import { readTextFileStrict, sha256Hex } from "../adapters/files.ts";
import type { CredentialCache, PolicyEntry } from "./credential_cache.ts";
import { readUserFile, validatePolicyText } from "./policy_source.ts";
import { ssmParameterNameOf } from "./policy_source_kind.ts";

/** What loading needs. */
export interface PolicyLoadContext {
  source: string;
  region: string;
  ttlSeconds: number;
  now: number;
  cache: CredentialCache;
  /** Base credentials for SSM, fetched only when SSM must be asked. */
  credentials: () => Promise<AwsCredentials>;
}

/** Loads, validates and caches the policy. */
export async function loadIssuancePolicy(ctx: PolicyLoadContext): Promise<PolicyEntry> {
  const parameter = ssmParameterNameOf(ctx.source);
  if (parameter !== undefined) {
    const cached = await ctx.cache.readPolicy(ctx.source);
    if (cached !== undefined && ctx.now - cached.fetchedAt < ctx.ttlSeconds * 1000) return cached;
  }
  const text = parameter === undefined
    ? await readUserFile(readTextFileStrict, ctx.source, "policy file")
    : await getParameter(await ctx.credentials(), ctx.region, parameter);
  const loaded = validatePolicyText(text, ctx.source);
  const entry: PolicyEntry = {
    format: 1,
    source: ctx.source,
    hash: await sha256Hex(text),
    fetchedAt: ctx.now,
    document: loaded.document,
  };
  await ctx.cache.writePolicy(entry);
  return entry;
}

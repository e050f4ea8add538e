/**
 * The help text every policy command that may read or write SSM shares.
 *
 * @module
 */

/** How a policy command reaches SSM. */
export const SSM_HELP = `
A policy source is a file, - (standard input) or ssm:<parameter>. For SSM, credentials come from
--aws-profile, AWS_PROFILE or the environment (a Sentinel profile lends its base credentials); the
region from --region, then the profile's sentinel_region or region, AWS_REGION, AWS_DEFAULT_REGION.`;

/**
 * The variables a program needs to reach the network as this machine does, for harnesses that
 * start programs with a clean environment: the CA bundles (a TLS-inspecting proxy's CA lives
 * there on a corporate laptop and on these machines), npm's own `npm_config_*` settings, and the
 * proxy variables — each only when set. Without them npm, pip or the AWS CLI started by a test
 * (install.sh fetching deno@2.9.6, say) fails with SELF_SIGNED_CERT_IN_CHAIN where the same
 * command works in the user's shell.
 *
 * @module
 */

/** The CA bundle and proxy variables passed through, by name. */
export const NETWORK_VARIABLES: readonly string[] = [
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "AWS_CA_BUNDLE",
  "PIP_CERT",
  "CURL_CA_BUNDLE",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

/** This process's CA, proxy and `npm_config_*` variables that are set, to add to a clean env. */
export function networkEnv(
  get: (name: string) => string | undefined = (name) => Deno.env.get(name),
  names: () => Iterable<string> = () => Object.keys(Deno.env.toObject()),
): Record<string, string> {
  const env: Record<string, string> = {};
  const wanted = [
    ...NETWORK_VARIABLES,
    ...[...names()].filter((name) => /^npm_config_/i.test(name)),
  ];
  for (const name of wanted) {
    const value = get(name);
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}

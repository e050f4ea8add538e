/**
 * A throwaway certificate authority and a server certificate it signed for 127.0.0.1 (and
 * localhost), made with the real openssl: for tests of TLS listeners.
 *
 * @module
 */

/** PEM files in a temporary folder. */
export interface TestCertificates extends AsyncDisposable {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", {
    args,
    cwd,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (code !== 0) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(stderr)}`);
}

/** Makes the CA and the server certificate. */
export async function testCertificates(): Promise<TestCertificates> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-tls-" });
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=Sentinel test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ], dir);
  await openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  ], dir);
  await Deno.writeTextFile(`${dir}/san.ext`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.ext",
    "-out",
    "server.pem",
  ], dir);
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    ca: await Deno.readTextFile(`${dir}/ca.pem`),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/**
 * The profiles aws-vault holds keys for, from `aws-vault list --credentials` — which needs no
 * keyring passphrase, so it is safe to run when only diagnosing.
 *
 * @module
 */

/** The names aws-vault lists, or `undefined` when it cannot be run or fails. */
export async function awsVaultCredentialNames(): Promise<string[] | undefined> {
  try {
    const output = await new Deno.Command("aws-vault", {
      args: ["list", "--credentials"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return undefined;
    return new TextDecoder().decode(output.stdout).split("\n").map((line) => line.trim())
      .filter((line) => line !== "");
  } catch {
    return undefined;
  }
}

/**
 * Not Sentinel: the I/O a warm `sentinel credentials` cannot do without, written flat in one file
 * with nothing else — no policy evaluation, no checks of what it reads, no error handling — so
 * bench/cli_timing.ts can show the floor under the warm path's ratio on this runtime: read the
 * environment and the three config files and hash them (the cache key), read the cached entry,
 * hash the policy file, append a chained line to a log under a lock with fdatasync, and print a
 * credential_process answer.
 *
 *   deno run --allow-all bench/warm_floor.ts <cache dir> <policy file> <log file>
 *
 * @module
 */
const [cacheDir, policyPath, logPath] = Deno.args;
const vars = Deno.env.toObject();
const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const home = vars.HOME;
const configs = [
  vars.AWS_CONFIG_FILE ?? `${home}/.aws/config`,
  vars.AWS_SHARED_CREDENTIALS_FILE ?? `${home}/.aws/credentials`,
  `${home}/.config/sentinel/config.yaml`,
].map((path) => {
  try {
    return Deno.statSync(path).isFile ? Deno.readTextFileSync(path) : "";
  } catch {
    return "";
  }
});
const awsVars = Object.keys(vars).filter((key) => key.startsWith("AWS_")).sort()
  .map((key) => `${key}=${vars[key]}`).join("\n");
const key = await sha256(encoder.encode(["prod", ...configs, awsVars].join("\0")));
const entryName = [...Deno.readDirSync(`${cacheDir}/credentials`)][0].name;
const entry = JSON.parse(Deno.readTextFileSync(`${cacheDir}/credentials/${entryName}`));
const policyHash = await sha256(Deno.readFileSync(policyPath));

Deno.mkdirSync(logPath.slice(0, logPath.lastIndexOf("/")), { recursive: true });
using log = Deno.openSync(logPath, { read: true, append: true, create: true, mode: 0o600 });
log.lockSync(true);
const size = log.statSync().size;
const tail = new Uint8Array(Math.min(size, 4096));
if (size > 0) {
  log.seekSync(size - tail.length, Deno.SeekMode.Start);
  log.readSync(tail);
}
const line = { time: Date.now(), key, policyHash, prev_hash: await sha256(tail) };
log.writeSync(encoder.encode(JSON.stringify(line) + "\n"));
log.syncDataSync();
log.unlockSync();

const { accessKeyId, secretAccessKey, sessionToken, expiration } = entry.credentials;
const answer = {
  Version: 1,
  AccessKeyId: accessKeyId,
  SecretAccessKey: secretAccessKey,
  SessionToken: sessionToken,
  Expiration: new Date(expiration).toISOString(),
};
Deno.stdout.writeSync(encoder.encode(JSON.stringify(answer) + "\n"));

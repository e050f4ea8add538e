/**
 * The deployment files of deploy/, read as their tools read them, with no AWS and no container
 * engine: the CloudFormation template passes `cfn-lint`; the Dockerfile's ENTRYPOINT and ENV and
 * the systemd unit's ExecStart and Environment= are deploy/serve-args.json (the command line
 * test/deploy_e2e_test.ts runs against moto); the image runs as a user of its own, bakes in no
 * secret, pins its base images and checks /v1/health; the unit, alone and with its TLS drop-in,
 * is what `systemd-analyze verify` accepts and `systemd-analyze security` rates at most 2.0
 * ("OK"); the example configuration names the stack's defaults.
 */
import { parse as parseYaml } from "yaml";
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { TARGETS } from "../scripts/compile_plan.ts";
import { parseAwsIni } from "../src/core/aws_config/ini.ts";
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { commandTree } from "../src/cli/program.ts";
import {
  DEPLOY,
  dockerEnv,
  type DockerInstruction,
  dockerInstructions,
  environmentFile,
  execForm,
  finalStage,
  healthcheck,
  parseUnit,
  readServeArgs,
  REGION,
  unitEnvironment,
  unitValues,
  unitWords,
} from "./harness/deploy.ts";
import { ROOT } from "./harness/tools.ts";

const read = (path: string) => Deno.readTextFile(`${DEPLOY}${path}`);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The port of `--listen HOST:PORT` in the shared command line. */
async function listenPort(): Promise<string> {
  const { args } = await readServeArgs();
  return args[args.indexOf("--listen") + 1].split(":").at(-1)!;
}

Deno.test("cfn-lint passes on the CloudFormation template, without errors, warnings or informational findings", async () => {
  const { code, stdout, stderr } = await new Deno.Command(
    `${ROOT}.tools/venv/bin/cfn-lint`,
    {
      args: [
        "--include-checks",
        "I",
        "--regions",
        "us-east-1",
        REGION,
        "--",
        `${DEPLOY}cloudformation/sentinel-broker.yaml`,
      ],
      stdout: "piped",
      stderr: "piped",
    },
  ).output().catch((error) => {
    throw new Error(`cfn-lint (installed with moto by \`deno task setup\`): ${error}`);
  });
  assertEquals([code, decode(stdout), decode(stderr)], [0, "", ""]);
});

Deno.test("serve-args.json is a command line sentinel serve accepts: every flag is one of serve's", async () => {
  const { executable, args } = await readServeArgs();
  assertEquals(executable, "/usr/local/bin/sentinel");
  assertEquals(args[0], "serve");
  const serve = commandTree().commands.find((c) => c.name() === "serve")!;
  const flags = serve.options.map((o) => o.long);
  for (const word of args.filter((w) => w.startsWith("--"))) {
    assertTrue(flags.includes(word), `${word} is not a flag of sentinel serve (${flags})`);
  }
  assertTrue(!args.includes("--broker-id"), "each deployment adds its own --broker-id");
});

Deno.test("Dockerfile: ENTRYPOINT and ENV are serve-args.json; the broker id is the container's command", async () => {
  const serve = await readServeArgs();
  const image = finalStage(dockerInstructions(await read("Dockerfile")));
  const only = (keyword: string) => {
    const found = image.filter((i) => i.keyword === keyword);
    assertEquals(found.length, 1, `one ${keyword} in the final stage`);
    return found[0];
  };
  assertEquals(execForm(only("ENTRYPOINT").rest), [serve.executable, ...serve.args]);
  assertEquals(dockerEnv(image), serve.environment);
  assertEquals(
    image.filter((i) => i.keyword === "CMD"),
    [],
    "no default broker id: it must be given",
  );
  assertEquals(only("EXPOSE").rest, await listenPort());
  assertEquals(only("STOPSIGNAL").rest, "SIGTERM");
});

Deno.test("Dockerfile: a non-root user, a health check on /v1/health, pinned base images, no secret baked in, only the binary in the image", async () => {
  const all = dockerInstructions(await read("Dockerfile"));
  const image = finalStage(all);
  const users = image.filter((i) => i.keyword === "USER");
  assertTrue(users.length > 0, "the final stage sets USER");
  const user = users.at(-1)!.rest.split(":")[0];
  assertTrue(!["root", "0"].includes(user), `USER ${user} is root`);
  assertTrue(
    image.indexOf(users.at(-1)!) < image.findIndex((i) => i.keyword === "ENTRYPOINT"),
    "USER before ENTRYPOINT",
  );

  const check = healthcheck(image.find((i) => i.keyword === "HEALTHCHECK")!.rest);
  const script = check.command.join(" ");
  assertIncludes(script, `/dev/tcp/127.0.0.1/${await listenPort()}`);
  assertIncludes(script, "GET /v1/health ");
  assertEquals(Object.keys(check.options).sort(), [
    "interval",
    "retries",
    "start-period",
    "timeout",
  ]);

  const args = Object.fromEntries(
    all.filter((i) => i.keyword === "ARG").map((i) => i.rest.split("=")),
  );
  const release = await Deno.readTextFile(`${ROOT}.github/workflows/release.yml`);
  assertIncludes(release, `DENO_VERSION: v${args.DENO_VERSION}\n`);
  for (const from of all.filter((i) => i.keyword === "FROM")) {
    const ref = from.rest.split(/\s+/)[0].replace("${DENO_VERSION}", args.DENO_VERSION);
    assertTrue(/^[\w./-]+:[\w.-]+$/.test(ref) && !ref.endsWith(":latest"), `${ref} is not pinned`);
  }

  const secretish = /SECRET|PASSWORD|TOKEN|ACCESS_KEY|PRIVATE|CREDENTIAL/i;
  const named = [...Object.keys(dockerEnv(all)), ...Object.keys(args)];
  assertEquals(named.filter((name) => secretish.test(name)), [], "no secret in ENV or ARG");
  const copies = image.filter((i: DockerInstruction) => ["COPY", "ADD"].includes(i.keyword));
  assertEquals(copies.map((i) => i.rest), ["--from=build /out/sentinel /usr/local/bin/sentinel"]);
  const ignored = (await read("Dockerfile.dockerignore")).split("\n").filter((l) =>
    l !== "" && !l.startsWith("#")
  );
  for (const path of [".git", ".tools", "**/.aws", "**/*.pem", "**/*.key"]) {
    assertTrue(ignored.includes(path), `Dockerfile.dockerignore leaves out ${path}`);
  }
});

Deno.test("Dockerfile: the build stage compiles the release binary of a target deno task compile knows", async () => {
  const build = dockerInstructions(await read("Dockerfile")).filter((i) => i.keyword === "RUN")
    .map((i) => i.rest).find((run) => run.includes("deno task compile"));
  assertTrue(build !== undefined, "a RUN with deno task compile");
  const targets = [...build.matchAll(/target=([\w-]+)/g)].map((m) => m[1]);
  assertEquals(targets.length, 2);
  for (const target of targets) {
    assertTrue((TARGETS as readonly string[]).includes(target), `${target} is not a target`);
  }
  assertIncludes(build, 'deno task compile --target "$target" --output /out/sentinel');
});

Deno.test("systemd unit: ExecStart and Environment= are serve-args.json with --broker-id from broker.env; its state, configuration and hardening", async () => {
  const serve = await readServeArgs();
  const unit = parseUnit(await read("systemd/sentinel-broker.service"));
  const service = (key: string) => unitValues(unit, "Service", key);
  assertEquals(service("ExecStart").map(unitWords), [[
    serve.executable,
    ...serve.args,
    "--broker-id",
    "${SENTINEL_BROKER_ID}",
  ]]);
  assertEquals(unitEnvironment(unit), serve.environment);
  assertEquals(service("EnvironmentFile"), ["/etc/sentinel/broker.env"]);
  const example = environmentFile(await read("systemd/broker.env"));
  assertEquals(Object.keys(example), ["SENTINEL_BROKER_ID"]);
  assertEquals(new URL(example.SENTINEL_BROKER_ID).protocol, "https:");

  // /var/lib/sentinel is its StateDirectory (HOME, the decision log), /etc/sentinel its
  // ConfigurationDirectory (every file the environment names).
  assertEquals(service("StateDirectory"), ["sentinel"]);
  assertEquals(service("ConfigurationDirectory"), ["sentinel"]);
  assertEquals(serve.environment.HOME, "/var/lib/sentinel");
  for (const [name, path] of Object.entries(serve.environment)) {
    if (name !== "HOME") assertTrue(path.startsWith("/etc/sentinel/"), `${name}=${path}`);
  }
  const expected: Record<string, string> = {
    DynamicUser: "yes",
    NoNewPrivileges: "yes",
    ProtectSystem: "strict",
    ProtectHome: "yes",
    PrivateTmp: "yes",
    PrivateDevices: "yes",
    CapabilityBoundingSet: "",
    KillSignal: "SIGTERM",
    Restart: "on-failure",
  };
  for (const [key, value] of Object.entries(expected)) {
    assertEquals(service(key), [value], key);
  }
  // V8 writes the machine code it compiles: MemoryDenyWriteExecute would stop Sentinel at once.
  assertEquals(service("MemoryDenyWriteExecute"), []);
});

Deno.test("systemd drop-in tls.conf: the same command line with TLS in the broker (its files from LoadCredential=) instead of --behind-tls-proxy", async () => {
  const serve = await readServeArgs();
  const dropIn = parseUnit(await read("systemd/tls.conf"));
  assertEquals([...dropIn.keys()], ["Service"]);
  assertEquals(unitValues(dropIn, "Service", "LoadCredential"), [
    "tls-cert:/etc/sentinel/tls/cert.pem",
    "tls-key:/etc/sentinel/tls/key.pem",
  ]);
  const proxied = serve.args.indexOf("--behind-tls-proxy");
  assertTrue(proxied > 0);
  assertEquals(unitValues(dropIn, "Service", "ExecStart").map(unitWords), [[], [
    serve.executable,
    ...serve.args.slice(0, proxied),
    "--tls-cert",
    "%d/tls-cert",
    "--tls-key",
    "%d/tls-key",
    ...serve.args.slice(proxied + 1),
    "--broker-id",
    "${SENTINEL_BROKER_ID}",
  ]]);
});

const systemdAnalyze = await new Deno.Command("systemd-analyze", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success).catch(() => false);

/**
 * A root folder with the unit installed (and with `dropIn`, tls.conf as its drop-in), a stand-in
 * for the executable its ExecStart names, and the system's own units (the targets it is ordered
 * after), for `systemd-analyze --root`.
 */
async function unitRoot(dropIn: boolean): Promise<{ dir: string } & AsyncDisposable> {
  const { executable } = await readServeArgs();
  const dir = await Deno.makeTempDir({ prefix: "sentinel-unit-" });
  const units = `${dir}/etc/systemd/system`;
  await Deno.mkdir(`${units}/sentinel-broker.service.d`, { recursive: true });
  await Deno.copyFile(
    `${DEPLOY}systemd/sentinel-broker.service`,
    `${units}/sentinel-broker.service`,
  );
  if (dropIn) {
    await Deno.copyFile(`${DEPLOY}systemd/tls.conf`, `${units}/sentinel-broker.service.d/tls.conf`);
  }
  await Deno.mkdir(`${dir}${executable.slice(0, executable.lastIndexOf("/"))}`, {
    recursive: true,
  });
  await Deno.writeTextFile(`${dir}${executable}`, "#!/bin/sh\n", { mode: 0o755 });
  await Deno.mkdir(`${dir}/usr/lib/systemd`, { recursive: true });
  const copy = await new Deno.Command("cp", {
    args: ["-a", "/usr/lib/systemd/system", `${dir}/usr/lib/systemd/`],
  }).output();
  assertEquals(copy.code, 0, decode(copy.stderr));
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** `systemd-analyze <args> --root=<root> sentinel-broker.service`. */
function analyze(root: string, args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command("systemd-analyze", {
    args: [...args, `--root=${root}`, "sentinel-broker.service"],
    stdout: "piped",
    stderr: "piped",
  }).output();
}

for (const dropIn of [false, true]) {
  Deno.test({
    name: `systemd-analyze verify accepts the unit${
      dropIn ? " with tls.conf" : ""
    } (no unknown key, no bad value), and security rates it 2.0 or better`,
    ignore: !systemdAnalyze,
    async fn() {
      await using root = await unitRoot(dropIn);
      const verify = await analyze(root.dir, ["verify"]);
      // verify exits 0 on an unknown key or a bad value too: it only prints them.
      assertEquals([verify.code, decode(verify.stderr)], [0, ""]);
      const security = await analyze(root.dir, [
        "security",
        "--offline=yes",
        "--threshold=20",
        "--no-pager",
      ]);
      const report = decode(security.stdout);
      assertEquals(security.code, 0, report + decode(security.stderr));
      assertIncludes(report, "Overall exposure level for sentinel-broker.service");
    },
  });
}

Deno.test("the example configuration names the template's defaults: the broker and protected roles, the policy path, the table, the state directory", async () => {
  const template = parseYaml(await read("cloudformation/sentinel-broker.yaml"));
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters as Record<string, { Default: string }>).map((
      [name, p],
    ) => [name, p.Default]),
  );
  const config = parseAwsIni(await read("config/aws-config"), "deploy/config/aws-config");
  const broker = config.get("profile broker")!;
  const account = "arn:aws:iam::123456789012:role/";
  assertEquals(broker.role_arn, `${account}${defaults.BrokerRoleName}`);
  assertEquals(broker.credential_source, "EcsContainer");
  assertEquals(broker.region, REGION);
  const prod = config.get("profile prod")!;
  assertEquals(prod.sentinel_role_arn, `${account}${defaults.ProtectedRoleName}`);
  assertEquals(prod.sentinel_source_profile, "broker");
  assertTrue(
    prod.sentinel_policy.startsWith(`ssm:/${defaults.PolicyParameterPath}/`),
    prod.sentinel_policy,
  );
  const sentinel = parseYaml(await read("config/config.yaml"));
  assertEquals(sentinel.store, `dynamodb:${defaults.TableName}`);
  const { environment } = await readServeArgs();
  assertTrue(sentinel.log_file.startsWith(`${environment.HOME}/`), sentinel.log_file);
});

Deno.test("docs/deploy.md: every sentinel command it shows exists, with every flag it gives it", async () => {
  const text = await Deno.readTextFile(`${ROOT}docs/deploy.md`);
  const lines = [
    ...[...text.matchAll(/`(sentinel [^`]+)`/g)].map((m) => m[1]),
    ...text.split("\n").filter((line) => line.startsWith("sentinel ")),
  ];
  assertTrue(lines.length >= 10, `${lines.length} command lines`);
  for (const line of lines) {
    let command: CommandUnknownOpts = commandTree();
    const words = line.split(/\s+/).slice(1);
    while (words.length > 0) {
      const sub = command.commands.find((c) => c.name() === words[0]);
      if (sub === undefined) break;
      command = sub;
      words.shift();
    }
    assertTrue(command.parent !== null, `${line}: no such command`);
    const flags = command.options.map((o) => o.long);
    for (const flag of words.filter((w) => w.startsWith("--"))) {
      assertTrue(flags.includes(flag), `${line}: ${flag} is not a flag of ${command.name()}`);
    }
  }
});

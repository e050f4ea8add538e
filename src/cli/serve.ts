/**
 * `sentinel serve`: broker mode (DESIGN §15). The same policy, store, decision log and plugins
 * as the CLI, decided on a host whose own AWS identity is the only principal the protected roles
 * trust; clients prove who they are with a signed STS request and never send their credentials.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { serveBroker } from "../app/broker/serve.ts";
import { brokerIdentity, parseListen } from "../core/broker/listen.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { storeNamed } from "../core/store/location.ts";
import { type Declaration, declare } from "./_command.ts";
import { awsProfileOption, regionOption, storeOption } from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { human } from "./render.ts";
import { VERSION } from "./version.ts";

const ABOUT = `
The broker decides and issues with its own AWS identity: --aws-profile (any profile the AWS SDK
reads; on EC2 or ECS, a role profile with credential_source = Ec2InstanceMetadata or EcsContainer),
else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment. Make it the only principal
the protected roles trust:
  sentinel enforce trust-policy --broker-role <the broker's role ARN>
Its profiles are those of its own ~/.aws/config (sentinel_role_arn, sentinel_policy, …), as for
local mode. Clients set sentinel_server (or SENTINEL_SERVER) to the broker id, the URL they reach
it at; proofs name it, so a proof made for one broker is refused by another.

API (v1): GET /v1/health (unauthenticated), POST /v1/credentials, /v1/whoami, /v1/requests/*
(request, list, show, approve, deny, cancel, sweep) and /v1/breakglass/* (invoke, list, show,
close, review), each as the caller its proof names, with this broker's store, log and notifiers;
IAM for the broker role and its users: sentinel enforce broker-iam. The access log
is one JSON line per call on stdout; operator messages go to stderr. SIGTERM or Ctrl-C stops
accepting calls and lets those in flight finish. Limits: per caller (the proof's access key at
its address; --caller-rate), per client address for callers not yet proven there (a flood of made-up
keys slows newcomers, not proven callers), and calls decided at once (--max-in-flight).`;

const positive = (flag: string) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new SentinelError(
      "usage",
      human`${flag} "${text}" is not a whole number from 1 to 100000`,
    );
  }
  return value;
};

const DECLARATION: Declaration = {
  about: ABOUT,
  exits: [
    [ExitCode.Ok, "stopped by SIGTERM or Ctrl-C after draining"],
    [ExitCode.Usage, "usage (a bad --listen, plain HTTP beyond loopback, no --broker-id)"],
    [ExitCode.InvalidConfig, "invalid configuration (no store, a host set up as a client)"],
    [ExitCode.AwsFailure, "the broker's own identity cannot be verified"],
    [ExitCode.Internal, "the address is in use, or a TLS file cannot be read"],
  ],
  examples: [
    "sentinel serve --listen 127.0.0.1:8443",
    "sentinel serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --broker-id https://sentinel.example.com:8443",
    "sentinel serve --listen 10.0.1.5:8080 --behind-tls-proxy --broker-id https://sentinel.example.com --store dynamodb:sentinel-state",
  ],
};

/** The flags of `serve`, as commander parsed them. */
interface ServeFlags {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  behindTlsProxy?: true;
  brokerId?: string;
  awsProfile?: string;
  region?: string;
  store?: string;
  callerRate?: number;
  maxInFlight?: number;
}

/** What the flags ask for, checked: where to listen, how, and as which broker id. */
function servingOf(options: ServeFlags) {
  const listen = parseListen(options.listen);
  if (!listen.ok) throw new SentinelError("usage", listen.why);
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new SentinelError("usage", "TLS needs both --tls-cert and --tls-key");
  }
  const id = brokerIdentity({
    listen: listen.value,
    tls: options.tlsCert !== undefined,
    behindTlsProxy: options.behindTlsProxy === true,
    brokerId: options.brokerId,
  });
  if (!id.ok) throw new SentinelError("usage", id.why);
  return {
    brokerId: id.value,
    listen: listen.value,
    tls: options.tlsCert === undefined
      ? undefined
      : { certFile: options.tlsCert, keyFile: options.tlsKey! },
    limits: {
      ...(options.callerRate === undefined ? {} : {
        perCaller: {
          perSecond: options.callerRate,
          burst: options.callerRate * 4,
          maxKeys: 10_000,
        },
      }),
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    },
  };
}

/** Serves until SIGTERM or Ctrl-C, then drains. */
async function serve(ctx: CommandContext, options: ServeFlags): Promise<void> {
  const serving = servingOf(options);
  const stop = new AbortController();
  const release = ctx.io.onInterrupt?.(() => stop.abort());
  try {
    await serveBroker(ctx.deps, {
      ...serving,
      version: VERSION,
      awsProfile: options.awsProfile,
      region: options.region,
      store: options.store,
      report: (line) => ctx.sayErr(`sentinel serve: ${line}\n`),
      accessLog: (entry) => ctx.io.stdout(JSON.stringify(entry) + "\n"),
      started: (started) =>
        ctx.sayErr(
          human`sentinel serve: listening on ${started.origin} as ${started.brokerId}; identity ${started.identityArn}; proofs checked at ${started.sts}; store ${
            storeNamed(started.store)
          }\n`,
        ),
    }, stop.signal);
  } finally {
    release?.();
  }
}

/** Builds `serve`. */
export function serveCommand(ctx: CommandContext) {
  return declare(
    new Command("serve")
      .description("Run the broker: decide and issue credentials for clients (broker mode)")
      .option("--listen <host:port>", "where to listen", "127.0.0.1:8443")
      .option("--tls-cert <file>", "the TLS certificate chain (PEM)")
      .option("--tls-key <file>", "the TLS private key (PEM)")
      .option(
        "--behind-tls-proxy",
        "plain HTTP on a non-loopback address: a TLS-terminating proxy is in front",
      )
      .option(
        "--broker-id <url>",
        "the URL clients reach this broker at (default: the --listen origin)",
      )
      .addOption(awsProfileOption("are the broker's identity"))
      .addOption(regionOption())
      .addOption(storeOption())
      .addOption(
        new Option(
          "--caller-rate <per-second>",
          "calls per second one caller may make from one address (burst: 4×)",
        )
          .argParser(positive("--caller-rate")),
      )
      .addOption(
        new Option("--max-in-flight <n>", "calls decided at once; past it: 503, try again")
          .argParser(positive("--max-in-flight")),
      ),
    DECLARATION,
  ).action(ctx.action((options) => serve(ctx, options)));
}

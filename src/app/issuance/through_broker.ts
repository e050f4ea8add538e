/**
 * Issuance in broker mode, the client's half (DESIGN §15): the base credentials (aws-vault, SSO,
 * keys) only sign a caller proof for the call; the broker decides, issues with its own identity
 * and logs; its refusal is printed as it came (the CLI's code, exit code and advice). The session
 * is cached here and handed out again until its refresh window, as local sessions are.
 *
 * @module
 */
import {
  BROKER_PATHS,
  type CredentialsAnswer,
  type HealthAnswer,
  refusalFrom,
} from "../../core/broker/api.ts";
import { SentinelError } from "../../core/errors.ts";
import type { CredentialMode } from "../../core/policy/schema.ts";
import type { BrokerCredentialEntry } from "../../ports/cache.ts";
import type { BaseCredentialRequest, BaseCredentials } from "../../ports/base_credentials.ts";
import type { BrokerClient } from "../../ports/broker.ts";
import type { Deps } from "../../ports/deps.ts";
import { baseRequest, type BrokerProfile } from "./profile_settings.ts";
import { type IssueResult, resultOf } from "./warm_credentials.ts";

/** A broker, reached with proofs signed by the base credentials of one profile. */
export interface BrokerSession {
  server: string;
  /** Extra certificate authorities for the broker's TLS (`server_ca`). */
  caCerts?: readonly string[];
  client: BrokerClient;
  base: BaseCredentials;
  health: HealthAnswer;
  signal: AbortSignal;
}

/** A broker and how to reach it: its URL, its TLS authorities, the credentials that sign proofs. */
export interface BrokerTarget {
  server: string;
  /** Where the server setting came from, for messages. */
  serverFrom: string;
  /** A PEM file of extra certificate authorities (`server_ca`). */
  serverCa: string | undefined;
  timeoutSeconds: number;
  base: BaseCredentialRequest;
  /** The profile whose base credentials sign the proofs, for printed advice. */
  awsProfile?: string;
}

/** The broker of a profile that names one. */
export function profileBroker(profile: BrokerProfile): BrokerTarget {
  const { settings } = profile;
  return {
    server: settings.server,
    serverFrom: settings.serverFrom,
    serverCa: settings.serverCa,
    timeoutSeconds: settings.timeoutSeconds,
    base: baseRequest(profile),
  };
}

/** Reaches a broker: its health (where proofs go) and the base credentials that sign them. */
export async function brokerSession(deps: Deps, target: BrokerTarget): Promise<BrokerSession> {
  const signal = AbortSignal.timeout(target.timeoutSeconds * 1000);
  const { client } = await deps.broker();
  const caCerts = target.serverCa === undefined ? undefined : [
    await deps.files.readText(
      target.serverCa,
      "the broker's certificate authorities (server_ca)",
    ),
  ];
  const reach = { server: target.server, caCerts };
  const [health, base] = await Promise.all([
    brokerHealth(client, reach, signal),
    (async () => (await deps.baseCredentials()).get(target.base, signal))(),
  ]);
  return { ...reach, client, base, health, signal };
}

/** `GET /v1/health` of `server`, read strictly. */
export async function brokerHealth(
  client: BrokerClient,
  target: { server: string; caCerts?: readonly string[] },
  signal: AbortSignal,
): Promise<HealthAnswer> {
  const { server } = target;
  const answer = await client.send({
    ...target,
    method: "GET",
    path: BROKER_PATHS.health,
    body: "",
    signal,
  });
  if (answer.status !== 200) throw refusalFrom(answer.status, answer.text, server);
  const health = parsed<HealthAnswer>(answer.text);
  if (
    health?.ok !== true || typeof health.broker_id !== "string" ||
    typeof health.proof_region !== "string" || typeof health.proof_host !== "string" ||
    typeof health.time !== "number"
  ) {
    throw notBroker(server, "its health answer is not a Sentinel broker's");
  }
  if (health.broker_id !== server) {
    throw new SentinelError(
      "insecure_broker",
      `the broker at ${server} calls itself ${health.broker_id}: its proofs would be refused; set sentinel_server to ${health.broker_id} if that is the URL you reach it at, or ask its operators to start it with --broker-id ${server}`,
    );
  }
  return health as HealthAnswer;
}

/** One proven call to the broker; its refusal as the CLI's own error. */
export async function provenCall(
  session: BrokerSession,
  path: string,
  body: unknown,
): Promise<string> {
  const answer = await session.client.send({
    server: session.server,
    caCerts: session.caCerts,
    method: "POST",
    path,
    body: JSON.stringify(body),
    proof: {
      credentials: session.base.credentials,
      endpoint: { host: session.health.proof_host, region: session.health.proof_region },
    },
    signal: session.signal,
  });
  if (answer.status !== 200) throw refusalFrom(answer.status, answer.text, session.server);
  return answer.text;
}

/** Credentials for `profile` from its broker, cached under `key`. */
export async function issueThroughBroker(
  deps: Deps,
  profile: BrokerProfile,
  request: { mode: CredentialMode; durationSeconds?: number },
  key: string,
): Promise<IssueResult> {
  const { settings } = profile;
  const session = await brokerSession(deps, profileBroker(profile));
  const durationSeconds = request.durationSeconds ?? settings.durationSeconds;
  const text = await provenCall(session, BROKER_PATHS.credentials, {
    profile: settings.profile,
    mode: request.mode,
    ...(durationSeconds === undefined ? {} : { duration_seconds: durationSeconds }),
  });
  const entry = brokerEntry(
    settings.server,
    settings,
    parsedCredentials(text, settings.server),
    deps.clock.now(),
  );
  if (!(entry.credentials.expiration - entry.issuedAt > settings.refreshWindowSeconds * 1000)) {
    throw new SentinelError(
      "aws_failure",
      `the broker ${settings.server} issued credentials that expire at ${
        new Date(entry.credentials.expiration).toISOString()
      }, within the refresh window; check this machine's clock (sentinel doctor)`,
    );
  }
  await deps.cache.writeCredentials(key, entry);
  return resultOf(entry, false);
}

function brokerEntry(
  server: string,
  settings: BrokerProfile["settings"],
  answer: CredentialsAnswer,
  now: number,
): BrokerCredentialEntry {
  return {
    broker: server,
    subject: {
      user: answer.sentinel.user,
      identityArn: null,
      profile: settings.profile,
      roleArn: "",
      mode: "credential_process",
      policySource: `broker:${server}`,
      policyHash: "",
      decisionId: answer.sentinel.decision_id,
    },
    region: settings.region,
    refreshWindowSeconds: settings.refreshWindowSeconds,
    sourceIdentity: answer.sentinel.source_identity,
    sessionDurationSeconds: answer.sentinel.session_duration_seconds,
    credentials: {
      accessKeyId: answer.AccessKeyId,
      secretAccessKey: answer.SecretAccessKey,
      sessionToken: answer.SessionToken,
      expiration: Date.parse(answer.Expiration),
    },
    issuedAt: now,
  };
}

/** The broker's credentials answer, read strictly. */
function parsedCredentials(text: string, server: string): CredentialsAnswer {
  const answer = parsed<CredentialsAnswer>(text);
  const strings = [
    answer?.AccessKeyId,
    answer?.SecretAccessKey,
    answer?.SessionToken,
    answer?.Expiration,
  ];
  const about = answer?.sentinel;
  if (
    answer?.Version !== 1 || !strings.every((value) => typeof value === "string" && value !== "") ||
    Number.isNaN(Date.parse(answer.Expiration!)) || typeof about !== "object" || about === null ||
    typeof about.decision_id !== "string" || typeof about.user !== "string" ||
    typeof about.source_identity !== "string" || typeof about.session_duration_seconds !== "number"
  ) {
    throw notBroker(server, "its credentials answer is not in the shape Sentinel sends");
  }
  return answer as CredentialsAnswer;
}

function parsed<T>(text: string): Partial<T> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The error of a server whose answer is not a Sentinel broker's. */
export function notBroker(server: string, why: string): SentinelError {
  return new SentinelError(
    "broker_unreachable",
    `${server} is not answering as a Sentinel broker: ${why}; check sentinel_server (sentinel doctor)`,
  );
}

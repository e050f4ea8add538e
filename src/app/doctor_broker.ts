/**
 * `doctor` for a profile a broker serves (DESIGN §15): the broker is reachable and answers as a
 * Sentinel broker under the id this client names it by, over TLS (plain HTTP only on loopback),
 * with a clock within the proof window of this machine's; the base credentials sign a proof the
 * broker accepts, and the caller is who the broker then sees.
 *
 * @module
 */
import { BROKER_PATHS, type WhoamiAnswer } from "../core/broker/api.ts";
import { PROOF_MAX_AGE_MS } from "../core/broker/caller_proof.ts";
import { formatDuration } from "../core/text/duration.ts";
import type { Deps } from "../ports/deps.ts";
import type { DoctorCheck } from "./doctor_profile.ts";
import type { BrokerProfile } from "./issuance/profile_settings.ts";
import {
  type BrokerSession,
  brokerSession,
  profileBroker,
  provenCall,
} from "./issuance/through_broker.ts";

type Check = Omit<DoctorCheck, "profile">;

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** The clock may differ from the broker's by at most this (a proof's window, less a margin). */
const SKEW_LIMIT_MS = PROOF_MAX_AGE_MS - 60_000;

/** The checks of a broker profile. */
export async function brokerChecks(deps: Deps, profile: BrokerProfile): Promise<Check[]> {
  const { server, serverFrom } = profile.settings;
  const checks: Check[] = [{
    check: "config",
    ok: true,
    detail: `decided by the broker ${server} (${serverFrom})`,
  }, {
    check: "broker transport",
    ok: true,
    detail: server.startsWith("https:")
      ? "TLS (the certificate is checked against this machine's trust store)"
      : "plain HTTP to a loopback address (allowed only there)",
  }];
  let session: BrokerSession;
  try {
    session = await brokerSession(deps, profileBroker(profile));
  } catch (error) {
    checks.push({
      check: "broker",
      ok: false,
      detail: message(error),
      fix:
        `check that ${server} is the URL the broker is started with (--broker-id), that it runs, and the base credentials of profile ${
          profile.settings.sourceProfile ?? "(environment)"
        }`,
    });
    return checks;
  }
  const { health } = session;
  checks.push({
    check: "broker",
    ok: true,
    detail:
      `${health.broker_id} answers (Sentinel ${health.version}); proofs are checked by STS at ${health.proof_host} (${health.proof_region})`,
  });
  checks.push(clockCheck(deps.clock.now(), health.time));
  checks.push(await callerCheck(session));
  return checks;
}

function clockCheck(now: number, brokerTime: number): Check {
  const skew = Math.abs(now - brokerTime);
  const detail = `this machine's clock is ${formatDuration(Math.round(skew / 1000))} ${
    now >= brokerTime ? "ahead of" : "behind"
  } the broker's`;
  return skew <= SKEW_LIMIT_MS ? { check: "broker clock", ok: true, detail } : {
    check: "broker clock",
    ok: false,
    detail: `${detail}: proofs older or newer than ${
      PROOF_MAX_AGE_MS / 60_000
    } minutes are refused`,
    fix: "synchronise this machine's clock (NTP), or ask the broker's operators to check theirs",
  };
}

async function callerCheck(session: BrokerSession): Promise<Check> {
  try {
    const who = JSON.parse(await provenCall(session, BROKER_PATHS.whoami, {})) as WhoamiAnswer;
    return {
      check: "broker caller",
      ok: true,
      detail: `the broker sees ${who.arn} (unique id ${who.user_id})`,
    };
  } catch (error) {
    return {
      check: "broker caller",
      ok: false,
      detail: message(error),
      fix: "check the source profile's keys (the broker refused the proof they signed)",
    };
  }
}

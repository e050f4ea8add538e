/**
 * Policy evaluation benchmarks: 1, 10, 50 and 200 rules, with and without time windows, over
 * request times spread across a whole year (DST days included), and the same decisions made by
 * Cedar (`@cedar-policy/cedar-wasm`) on an equivalent policy in the same run.
 *
 *   deno task bench
 *
 * Equivalence: the generated rules name disjoint profiles, so first-match order and Cedar's
 * forbid-overrides semantics agree; the setup asserts that every pooled request gets the same
 * allow/deny from both engines before anything is timed. Cedar has no time zones, so it is handed
 * each request's Berlin weekday and minute precomputed, outside the timed loop: it does strictly
 * less work per decision than Sentinel, which converts the instant itself.
 *
 * @module
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { type AccessRequest, compilePolicy, evaluate } from "../src/core/policy/evaluate.ts";
import type { PolicyDocument, Rule } from "../src/core/policy/schema.ts";
import { MINUTES_PER_DAY } from "../src/core/policy/time/clock_time.ts";
import { ZoneClock } from "../src/core/policy/time/window.ts";

const RULE_COUNTS = [1, 10, 50, 200] as const;
const POOL_SIZE = 4096;
const USERS = 16;
const ZONE = "Europe/Berlin";

/** A deterministic generator, so every run measures the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ruleAt(index: number, withTime: boolean): Rule {
  return {
    name: `rule-${index}`,
    effect: index % 5 === 4 ? "deny" : "allow",
    conditions: {
      profiles: [`profile-${index}`],
      users: [`user-${index % USERS}@example.com`],
      ...(withTime
        ? {
          time: {
            days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
            hours: { start: "09:00", end: "18:00" },
            timezone: ZONE,
          },
        }
        : {}),
    },
  };
}

function policyOf(rules: number, withTime: boolean): PolicyDocument {
  return {
    version: "1",
    rules: Array.from({ length: rules }, (_, i) => ruleAt(i, withTime)),
  };
}

function cedarPolicyOf(rules: number, withTime: boolean): string {
  return Array.from({ length: rules }, (_, i) => {
    const effect = i % 5 === 4 ? "forbid" : "permit";
    const when = withTime
      ? " when { context.day >= 1 && context.day <= 5 && context.minute >= 540 && context.minute < 1080 }"
      : "";
    return `@id("rule-${i}") ${effect} (principal == User::"user-${
      i % USERS
    }@example.com", action == Action::"access", resource == Profile::"profile-${i}")${when};`;
  }).join("\n");
}

interface PooledRequest {
  request: AccessRequest;
  cedarCall: cedar.StatefulAuthorizationCall;
}

/** Requests over all of 2026, hitting rule profiles (and some unknown ones) and all users. */
function requestPool(rules: number, policySetId: string): PooledRequest[] {
  const next = random(rules * 7919 + 17);
  const clock = new ZoneClock(ZONE);
  const yearStart = Date.UTC(2026, 0, 1);
  const yearMs = Date.UTC(2027, 0, 1) - yearStart;
  return Array.from({ length: POOL_SIZE }, () => {
    // Aim most requests at a real rule's user so the time condition is reached and decides.
    const ruleIndex = Math.floor(next() * (rules + 1));
    const user = next() < 0.8
      ? `user-${ruleIndex % USERS}@example.com`
      : `user-${Math.floor(next() * USERS)}@example.com`;
    const profile = `profile-${ruleIndex}`;
    const time = yearStart + Math.floor(next() * yearMs);
    const local = clock.local(time);
    return {
      request: { user, profile, time },
      cedarCall: {
        principal: { type: "User", id: user },
        action: { type: "Action", id: "access" },
        resource: { type: "Profile", id: profile },
        context: {
          day: Math.floor(local / MINUTES_PER_DAY),
          minute: local % MINUTES_PER_DAY,
        },
        preparsedPolicySetId: policySetId,
        entities: [],
      },
    };
  });
}

function cedarDecision(call: cedar.StatefulAuthorizationCall): "allow" | "deny" {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
  return answer.response.decision;
}

for (const rules of RULE_COUNTS) {
  for (const withTime of [false, true]) {
    const label = `${rules} rules, ${withTime ? "with" : "without"} time windows`;
    const policySetId = `bench-${rules}-${withTime}`;
    const parsed = cedar.preparsePolicySet(policySetId, {
      staticPolicies: cedarPolicyOf(rules, withTime),
    });
    if (parsed.type !== "success") throw new Error(JSON.stringify(parsed.errors));
    const compiled = compilePolicy(policyOf(rules, withTime));
    const pool = requestPool(rules, policySetId);

    let allows = 0;
    for (const { request, cedarCall } of pool) {
      const ours = evaluate(compiled, request).effect;
      if (ours !== cedarDecision(cedarCall)) {
        throw new Error(`${label}: engines disagree on ${JSON.stringify(request)}`);
      }
      if (ours === "allow") allows++;
    }
    if (allows === 0 || allows === pool.length) {
      throw new Error(`${label}: the request pool must mix allows and denies`);
    }

    let i = 0;
    Deno.bench({
      name: `sentinel: ${label}`,
      group: label,
      baseline: true,
      fn() {
        evaluate(compiled, pool[i++ & (POOL_SIZE - 1)].request);
      },
    });
    let j = 0;
    Deno.bench({
      name: `cedar-wasm: ${label}`,
      group: label,
      fn() {
        cedarDecision(pool[j++ & (POOL_SIZE - 1)].cedarCall);
      },
    });
  }
}

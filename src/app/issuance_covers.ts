/**
 * What an issuance needs when the policy does not simply allow: the covers that can lend access
 * the policy does not give (an active break-glass event, an approved request) and the notice of
 * a denial to the configured notifiers. Kept apart from issue_credentials.ts, which imports it
 * only then, so that an allowed issuance loads neither the stores nor the notifiers.
 *
 * @module
 */
import type { Decision } from "../core/policy/decision.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { IssuanceSubject } from "../core/issuance/record.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import type { ApprovalCover, BreakglassCover } from "../core/issuance/verdict.ts";
import type { Deps } from "../ports/deps.ts";
import { approvalCover } from "./approvals.ts";
import { breakglassCover } from "./breakglass.ts";
import { notifierOf, reportDelivery } from "./notify.ts";
import { openStore, type StoreAccess } from "./stores.ts";

/**
 * What can lend access the policy does not give: an active break-glass event of the user for the
 * profile and role (any decision), or an approved request (for `require_approval`).
 */
export async function coversFor(
  deps: Deps,
  settings: IssuanceSettings,
  subject: IssuanceSubject,
  now: number,
  access: StoreAccess,
  approvalRequired: boolean,
): Promise<{ approval?: ApprovalCover; breakglass?: BreakglassCover }> {
  const stores = await openStore(deps, settings.store, access);
  const breakglass = await breakglassCover(
    stores,
    subject.user,
    subject.profile,
    subject.roleArn,
    now,
  );
  if (breakglass !== undefined) return { breakglass };
  if (!approvalRequired) return {};
  const approval = await approvalCover(stores, subject.user, subject.profile, subject.roleArn, now);
  return approval === undefined ? {} : { approval };
}

/** Tells the notifiers that take `credential_denied` about a denial; failures become warnings. */
export async function announceDenial(
  deps: Deps,
  plugins: readonly PluginEntry[],
  subject: IssuanceSubject,
  decision: Decision,
): Promise<void> {
  const report = await notifierOf(deps, plugins).notify("credential_denied", {
    user: subject.user,
    profile: subject.profile,
    role_arn: subject.roleArn,
    effect: decision.effect,
    rule: decision.rule,
    reason: decision.reason,
    request_id: subject.requestId,
  });
  reportDelivery(deps, "the denial notice", report);
}

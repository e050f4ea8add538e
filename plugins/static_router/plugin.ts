/**
 * Example approval router: a static map from profile patterns to approvers. The first pattern
 * that matches the request's profile names the approvers; no match means "no route".
 *
 * Settings: `routes`: a list of `{ profiles: [glob…], approvers: [name…] }`.
 *
 * @module
 */
import type { ApprovalRequestInfo, ApprovalRouterPlugin, PluginContext } from "../api/v1.ts";

function globMatches(pattern: string, name: string): boolean {
  const source = Array.from(
    pattern,
    (c) =>
      c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"),
  ).join("");
  return new RegExp(`^${source}$`, "u").test(name);
}

const plugin: ApprovalRouterPlugin = {
  route(request: ApprovalRequestInfo, ctx: PluginContext) {
    const routes = Array.isArray(ctx.settings.routes) ? ctx.settings.routes : [];
    for (const route of routes as { profiles?: unknown; approvers?: unknown }[]) {
      const profiles = Array.isArray(route.profiles) ? route.profiles.map(String) : [];
      const approvers = Array.isArray(route.approvers) ? route.approvers.map(String) : [];
      if (profiles.some((p) => globMatches(p, request.profile))) {
        return {
          approvers: approvers.filter((a) => a !== request.requester),
          detail: `route ${profiles.join(",")}`,
        };
      }
    }
    return { approvers: [], detail: `no route for profile ${request.profile}` };
  },
};

export default plugin;

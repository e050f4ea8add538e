/**
 * The team's store opened directly, as someone who can write it (every user, in local mode) would:
 * to put records into it that Sentinel never wrote — forged, stale or stamped by a wrong clock —
 * and see what Sentinel makes of them (through the store's own code, or as raw SQL).
 *
 * @module
 */
import { openStores } from "../../src/adapters/stores/open.ts";
import type { Stores } from "../../src/ports/stores.ts";
import type { Team } from "./team.ts";

/** Runs `sql` on the SQLite file `db` with the sqlite3 program; what it printed. */
export function sqlite(db: string, sql: string): string {
  const out = new Deno.Command("sqlite3", { args: [db, sql] }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** The team's store (SQLite file or DynamoDB table on the team's moto). */
export function openTeamStore(t: Team): Promise<Stores> {
  const [kind, ...rest] = t.store.split(":");
  const name = rest.join(":");
  if (kind === "sqlite") return openStores({ kind: "sqlite", name, text: t.store });
  return openStores(
    {
      kind: "dynamodb",
      name,
      text: t.store,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      call: { region: "us-east-1", signal: AbortSignal.timeout(30_000) },
    },
    { endpoints: (variable) => variable === "AWS_ENDPOINT_URL" ? t.moto.endpoint : undefined },
  );
}

import { MikroORM } from "@mikro-orm/postgresql";
import { mutate, type AuditActor } from "../audit/mutate.ts";
import { ormOptions } from "../orm/orm-config.ts";
import { tenantOrmOptions } from "../tenancy/tenant-orm.ts";
import { withOrg } from "../tenancy/with-org.ts";
import { runDueSubscriptions, type DueRunResult } from "./due-run.ts";

/** An org as the operator's report names it. */
export type DueRunOrg = { orgId: string; slug: string; status: string };

/** The system acts: no staff user, no request (the audit rows' `changes.by` names the due-run). */
const SYSTEM_ACTOR: AuditActor = { userId: null, ip: null, requestId: null };

/**
 * The due-run of every active org, one org at a time, each inside `withOrg` (its own transaction with the tenant filter
 * and `app.current_org` set), so nothing is read or written without an org context even on the owner's connection.
 * `report` hears each org's result (or that it was suspended and skipped) as soon as it is known.
 */
export async function runDueSubscriptionsEveryOrg(
  url: string,
  date: string,
  report: (org: DueRunOrg, result: DueRunResult | null) => void,
  now: () => Date = () => new Date(),
): Promise<DueRunResult[]> {
  const orm = await MikroORM.init(tenantOrmOptions(ormOptions(url, { pool: { min: 0, max: 2 } })));
  try {
    // organizations is a platform table (it defines the orgs): listing it needs no org context.
    const orgs = await orm.em
      .fork()
      .execute<DueRunOrg[]>(`SELECT org_id AS "orgId", slug, status FROM organizations ORDER BY created_at, org_id`);
    const results: DueRunResult[] = [];
    for (const org of orgs) {
      if (org.status !== "active") {
        report(org, null);
        continue;
      }
      const result = await withOrg(orm, org.orgId, (em) =>
        runDueSubscriptions({ orgId: org.orgId, now: now(), mutate: (work) => mutate(em, SYSTEM_ACTOR, work) }, date),
      );
      results.push(result);
      report(org, result);
    }
    return results;
  } finally {
    await orm.close(true);
  }
}

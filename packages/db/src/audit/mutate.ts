import type { EntityManager } from "@mikro-orm/postgresql";
import { TENANT_FILTER } from "../tenancy/tenant-filter.ts";
import { sqlRows } from "../tenancy/sql-rows.ts";
import { TenantError } from "../tenancy/tenant-errors.ts";
import { requireAudit } from "./audit-guard.ts";

/** Who is acting, as every audit row records it. */
export type AuditActor = {
  /** A staff user; null for a worker's or the system's own action (the `actor` of `changes` then says who). */
  userId: string | null;
  ip: string | null;
  requestId: string | null;
};

export type AuditEntry = {
  /** `<entity>.<verb>`: `client.created`, `booking.assigned`. */
  action: string;
  entityType: string;
  entityId: string | null;
  /** Before/after or context; never a password, token or hash. */
  changes?: Record<string, unknown>;
};

type Json = Record<string, unknown>;

/** What a mutation tells the audit log; every mutation records at least one entry. */
export type Audit = {
  record(entry: AuditEntry): void;
  /** `<type>.created` with the new row's view. */
  created(entityType: string, entityId: string, after: Json): void;
  /** `<type>.updated` with only the fields that changed; nothing is recorded when none did. */
  updated(entityType: string, entityId: string, before: Json, after: Json, action?: string): void;
};

/** The fields whose JSON differs between two views, as `{ before: {...}, after: {...} }`. */
export function diffViews(before: Json, after: Json): { before: Json; after: Json } | undefined {
  const b: Json = {};
  const a: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length === 0 ? undefined : { before: b, after: a };
}

/**
 * The one write path of a request: `work` runs in one transaction of the org-bound EntityManager and stages its audit
 * entries through `audit`; then the entity changes are flushed and the entries written in one statement, so the
 * change and its audit rows commit together or not at all. A mutation that records nothing and changes something is
 * a programming error: AuditGuard refuses its flush. (A handler that writes by SQL, the hot paths measured by
 * `pnpm bench`, records its entries all the same; the guard cannot see those writes, the tests do.)
 */
export async function mutate<T>(em: EntityManager, actor: AuditActor, work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    const entries: AuditEntry[] = [];
    let checked = 0;
    requireAudit(tx, () => {
      const staged = entries.length > checked;
      checked = entries.length;
      return staged;
    });
    const audit: Audit = {
      record(entry) {
        entries.push(entry);
      },
      created(entityType, entityId, after) {
        audit.record({ action: `${entityType}.created`, entityType, entityId, changes: { after } });
      },
      updated(entityType, entityId, before, after, action) {
        const diff = diffViews(before, after);
        if (diff) audit.record({ action: action ?? `${entityType}.updated`, entityType, entityId, changes: diff });
      },
    };
    const result = await work(tx, audit);
    await tx.flush();
    if (entries.length > 0) await insertAuditRows(tx, actor, entries);
    return result;
  });
}

/** The staged entries as admin_audit_logs rows of the transaction's org, in one INSERT. */
async function insertAuditRows(tx: EntityManager, actor: AuditActor, entries: readonly AuditEntry[]): Promise<void> {
  const { orgId } = tx.getFilterParams<{ orgId?: string }>(TENANT_FILTER);
  // Fail closed: an audit row belongs to an org, and only an org-bound EntityManager may write one.
  if (!orgId) throw new TenantError("tenant_context_missing", "mutate writes audit rows only on an org-bound EntityManager");
  await sqlRows(
    tx,
    `INSERT INTO admin_audit_logs (org_id, actor_user_id, ip, request_id, action, entity_type, entity_id, changes)
     SELECT $1, $2, $3::inet, $4, x.action, x.entity_type, x.entity_id, x.changes
       FROM unnest($5::text[], $6::text[], $7::text[], $8::jsonb[]) AS x(action, entity_type, entity_id, changes)`,
    [
      orgId,
      actor.userId,
      actor.ip,
      actor.requestId,
      entries.map((e) => e.action),
      entries.map((e) => e.entityType),
      entries.map((e) => e.entityId),
      entries.map((e) => JSON.stringify(e.changes ?? {})),
    ],
  );
}

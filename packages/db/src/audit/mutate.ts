import type { EntityManager } from "@mikro-orm/postgresql";
import { AdminAuditLog } from "../entities/audit/admin-audit-log.ts";
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
 * The one write path of a request: `work` runs in one transaction of the org-bound EntityManager, stages its audit
 * rows through `audit`, and everything (the change and its audit rows) is flushed once and commits together or not
 * at all. A mutation that records nothing and changes something is a programming error: AuditGuard refuses its flush.
 */
export async function mutate<T>(em: EntityManager, actor: AuditActor, work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    requireAudit(tx);
    const audit: Audit = {
      record(entry) {
        tx.create(AdminAuditLog, {
          actorUserId: actor.userId,
          action: entry.action,
          entityType: entry.entityType,
          entityId: entry.entityId,
          changes: entry.changes ?? {},
          ip: actor.ip,
          requestId: actor.requestId,
        });
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
    return result;
  });
}

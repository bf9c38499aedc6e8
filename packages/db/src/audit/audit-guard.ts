import type { EntityManager, EventSubscriber, FlushEventArgs } from "@mikro-orm/core";
import { ChangeSetType } from "@mikro-orm/core";

const AUDITED = new WeakSet<EntityManager>();

/** Marks the EntityManager of a `mutate` transaction: its flushes must carry an audit row with any change. */
export function requireAudit(em: EntityManager): void {
  AUDITED.add(em);
}

/**
 * The flush-time half of "one mutate step gives the transaction and the audit row": a flush of a mutation that
 * changes business rows but writes no admin_audit_logs row is refused, so a handler cannot forget the audit log.
 */
export class AuditGuard implements EventSubscriber {
  readonly #business: ReadonlySet<string>;
  readonly #auditEntity: string;

  constructor(businessEntityNames: Iterable<string>, auditEntityName: string) {
    this.#business = new Set(businessEntityNames);
    this.#auditEntity = auditEntityName;
  }

  onFlush(args: FlushEventArgs): void {
    if (!AUDITED.has(args.em)) return;
    let changes = 0;
    let audited = false;
    for (const cs of args.uow.getChangeSets()) {
      if (cs.meta.className === this.#auditEntity) audited ||= cs.type === ChangeSetType.CREATE;
      else if (this.#business.has(cs.meta.className)) changes++;
    }
    if (changes > 0 && !audited) throw new Error("mutate: business rows changed without an audit entry");
  }
}

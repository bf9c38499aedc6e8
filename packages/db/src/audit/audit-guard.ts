import type { EntityManager, EventSubscriber, FlushEventArgs } from "@mikro-orm/core";
import { ChangeSetType } from "@mikro-orm/core";

/** For each `mutate` transaction: has it staged an audit entry since it was last asked? (Each entry vouches for one flush.) */
type StagedSinceLastFlush = () => boolean;

const AUDITED = new WeakMap<EntityManager, StagedSinceLastFlush>();

/** Marks the EntityManager of a `mutate` transaction: its flushes must come with an audit entry for any change. */
export function requireAudit(em: EntityManager, staged: StagedSinceLastFlush): void {
  AUDITED.set(em, staged);
}

/**
 * The flush-time half of "one mutate step gives the transaction and the audit row": a flush of a mutation that
 * changes business rows while no audit entry was staged since the previous flush is refused, so a handler cannot
 * forget the audit log. (`mutate` writes the staged entries itself, in one statement, before it commits.)
 */
export class AuditGuard implements EventSubscriber {
  readonly #business: ReadonlySet<string>;
  readonly #auditEntity: string;

  constructor(businessEntityNames: Iterable<string>, auditEntityName: string) {
    this.#business = new Set(businessEntityNames);
    this.#auditEntity = auditEntityName;
  }

  onFlush(args: FlushEventArgs): void {
    const staged = AUDITED.get(args.em);
    if (!staged) return;
    let changes = 0;
    // An audit row staged as an entity (recordAudit of admin-api's identity flows) counts as well.
    let audited = false;
    for (const cs of args.uow.getChangeSets()) {
      if (cs.meta.className === this.#auditEntity) audited ||= cs.type === ChangeSetType.CREATE;
      else if (this.#business.has(cs.meta.className)) changes++;
    }
    // Asked only of a flush that changes something, so an empty flush does not use up the entries staged before it.
    if (changes > 0 && !audited && !staged()) throw new Error("mutate: business rows changed without an audit entry");
  }
}

import {
  ChangeSetType,
  helper,
  Reference,
  ReferenceKind,
  type ChangeSet,
  type EntityMetadata,
  type EventSubscriber,
  type FlushEventArgs,
} from "@mikro-orm/core";
import { TenantError } from "./tenant-errors.ts";
import { TENANT_FILTER } from "./tenant-filter.ts";

type Scoped = { orgId?: string };

function contextOrg(args: FlushEventArgs): string {
  const params = args.em.getFilterParams<{ orgId?: string }>(TENANT_FILTER);
  if (!params?.orgId) {
    throw new TenantError("tenant_context_missing", "Tenant data written without an org context: use withOrg()");
  }
  return params.orgId;
}

/** A to-one reference whose target is loaded must be in the same org; an unloaded one is left to the composite FK. */
function checkReferences(cs: ChangeSet<object>, orgId: string): void {
  for (const prop of cs.meta.relations) {
    if (prop.kind !== ReferenceKind.MANY_TO_ONE && prop.kind !== ReferenceKind.ONE_TO_ONE) continue;
    const value = (cs.entity as Record<string, unknown>)[prop.name];
    if (value == null || typeof value !== "object") continue;
    const target = Reference.unwrapReference(value) as Scoped;
    if (!helper(target).__managed && !helper(target).hasPrimaryKey()) continue;
    if (helper(target).isInitialized() && target.orgId !== undefined && target.orgId !== orgId) {
      throw new TenantError(
        "tenant_cross_org_reference",
        `${cs.meta.className}.${String(prop.name)} points at a ${prop.type} of another organization`,
      );
    }
  }
}

/**
 * Flush-time guard for every business entity: new rows take the context's org, a different org is refused, org_id
 * never changes, and entities never loaded (getReference) are not updated or deleted by id alone. The database
 * (row-level security, composite foreign keys) still checks everything this cannot see.
 */
export class TenantGuard implements EventSubscriber {
  readonly #tenantEntities: ReadonlySet<string>;

  /** `entityNames`: the business entities (class names); platform entities such as Organization are not guarded. */
  constructor(entityNames: Iterable<string>) {
    this.#tenantEntities = new Set(entityNames);
  }

  #isTenant(meta: EntityMetadata): boolean {
    return this.#tenantEntities.has(meta.className);
  }

  beforeFlush(args: FlushEventArgs): void {
    let orgId: string | undefined;
    for (const entity of args.uow.getPersistStack()) {
      const meta = helper(entity).__meta;
      if (!this.#isTenant(meta)) continue;
      // Only new rows take the context's org. An unloaded reference (a loaded booking's client, say) also reaches
      // the persist stack by cascade: stamping it would turn it into an update by id alone, which onFlush refuses.
      if (!helper(entity).__initialized || helper(entity).__originalEntityData !== undefined) continue;
      orgId ??= contextOrg(args);
      const scoped = entity as Scoped;
      if (scoped.orgId === undefined) scoped.orgId = orgId;
    }
  }

  onFlush(args: FlushEventArgs): void {
    let orgId: string | undefined;
    for (const cs of args.uow.getChangeSets()) {
      if (!this.#isTenant(cs.meta)) continue;
      orgId ??= contextOrg(args);
      const entity = cs.entity as Scoped;
      switch (cs.type) {
        case ChangeSetType.CREATE:
          if (entity.orgId === undefined) {
            entity.orgId = orgId;
            args.uow.recomputeSingleChangeSet(cs.entity);
          }
          if (entity.orgId !== orgId) {
            throw new TenantError("tenant_mismatch", `A ${cs.meta.className} for another organization cannot be created here`);
          }
          checkReferences(cs, orgId);
          break;
        case ChangeSetType.UPDATE:
        case ChangeSetType.UPDATE_EARLY: {
          if (!helper(cs.entity).isInitialized()) {
            throw new TenantError(
              "tenant_unloaded_write",
              `Load the ${cs.meta.className} before changing it (getReference writes by id alone)`,
            );
          }
          const original = cs.originalEntity as Scoped | undefined;
          if ("orgId" in cs.payload || entity.orgId !== orgId || (original?.orgId !== undefined && original.orgId !== orgId)) {
            throw new TenantError("tenant_mismatch", `A ${cs.meta.className} cannot move to, or be changed from, another organization`);
          }
          checkReferences(cs, orgId);
          break;
        }
        case ChangeSetType.DELETE:
          if (!helper(cs.entity).isInitialized()) {
            throw new TenantError(
              "tenant_unloaded_write",
              `Load the ${cs.meta.className} before removing it (getReference deletes by id alone)`,
            );
          }
          if (entity.orgId !== orgId) {
            throw new TenantError("tenant_mismatch", `A ${cs.meta.className} of another organization cannot be removed here`);
          }
          break;
      }
    }
  }
}

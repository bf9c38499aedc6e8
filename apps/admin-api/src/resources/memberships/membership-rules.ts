import { entities, type Role } from "@cleanops/db";
import { AppError, forbidden, notFound } from "@cleanops/http";
import { LockMode, type EntityManager } from "@mikro-orm/postgresql";
import { mayGrant, roleAllows } from "../../authz/permissions.ts";

const { Membership, Organization } = entities;

/**
 * Serialises every change to an org's memberships: the org row is locked for the rest of the transaction, so two
 * owners demoting each other at once cannot both see "another owner is left" and leave the org with none.
 */
export async function lockOrgMemberships(em: EntityManager, orgId: string): Promise<void> {
  await em.findOneOrFail(Organization, orgId, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/**
 * A live membership of THIS org by id, with its user. Another org's membership is "not found", exactly as a missing
 * one: the org predicate here is the boundary (row-level security, 0052, would also show the caller's own memberships
 * in other orgs).
 */
export async function liveMembershipOfOrg(em: EntityManager, orgId: string, id: string): Promise<entities.IMembership> {
  const m = await em.findOne(Membership, { id, organization: orgId, revokedAt: null }, { populate: ["user"] });
  if (!m) throw notFound("No such membership.");
  return m;
}

/** Owners whose account can still sign in, other than `exceptMembershipId`. */
export async function otherUsableOwners(em: EntityManager, orgId: string, exceptMembershipId: string): Promise<number> {
  return em.count(Membership, {
    organization: orgId,
    role: "owner",
    revokedAt: null,
    user: { disabledAt: null },
    id: { $ne: exceptMembershipId },
  });
}

/** Refuses unless `actor` may act on a membership holding `current` and, for a role change, hand out `next`. */
export function assertMayManage(actor: Role, current: Role, next?: Role): void {
  const touchesOwner = current === "owner" || next === "owner";
  if (touchesOwner && !roleAllows(actor, "owners.manage")) {
    throw forbidden("Only an owner can change or remove an owner, or make someone owner.", { details: { capability: "owners.manage" } });
  }
  if (next !== undefined && !mayGrant(actor, next)) {
    throw forbidden(`Your role (${actor}) cannot grant the role ${next}.`);
  }
}

/** The last usable owner can be neither demoted nor removed: ownership is transferred first. */
export async function assertNotLastOwner(em: EntityManager, orgId: string, m: entities.IMembership): Promise<void> {
  if (m.role !== "owner") return;
  if ((await otherUsableOwners(em, orgId, m.id)) === 0) {
    throw new AppError("last_owner", undefined, { details: { membership_id: m.id } });
  }
}

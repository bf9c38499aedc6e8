import { entities, type Role } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";

const { Membership } = entities;

/** A membership that grants access now: not revoked, its user not disabled, its organization not suspended. */
export type LiveMembership = {
  membershipId: string;
  orgId: string;
  orgName: string;
  orgSlug: string;
  role: Role;
  user: { id: string; email: string; name: string | null };
  /** Access tokens issued before this are refused (sign out everywhere, a password change or reset). */
  tokensValidAfter: Date | null;
};

/** What the two queries below load (the user without its password hash). */
type LoadedMembership = {
  id: string;
  role: Role;
  user: { getEntity(): { id: string; email: string; name?: string | null; tokensValidAfter?: Date | null } };
  organization: { getEntity(): { orgId: string; name: string; slug: string } };
};

function toLive(m: LoadedMembership): LiveMembership {
  const user = m.user.getEntity();
  const org = m.organization.getEntity();
  return {
    membershipId: m.id,
    orgId: org.orgId,
    orgName: org.name,
    orgSlug: org.slug,
    role: m.role,
    user: { id: user.id, email: user.email, name: user.name ?? null },
    tokensValidAfter: user.tokensValidAfter ?? null,
  };
}

/** The caller's live membership in one org, read fresh (one query); null when revoked, disabled or never a member. */
export async function findLiveMembership(em: EntityManager, userId: string, orgId: string): Promise<LiveMembership | null> {
  const m = await em.findOne(
    Membership,
    { user: { id: userId, disabledAt: null }, organization: { orgId, status: "active" }, revokedAt: null },
    // The per-request check has no use for the password hash: it stays in the database.
    { populate: ["user", "organization"], exclude: ["user.passwordHash"], strategy: "joined", disableIdentityMap: true },
  );
  return m ? toLive(m) : null;
}

/** Every live membership of a user, by org name. */
export async function liveMembershipsOf(em: EntityManager, userId: string): Promise<LiveMembership[]> {
  const rows = await em.find(
    Membership,
    { user: { id: userId, disabledAt: null }, organization: { status: "active" }, revokedAt: null },
    {
      populate: ["user", "organization"],
      exclude: ["user.passwordHash"],
      strategy: "joined",
      orderBy: { organization: { name: "asc" } },
      disableIdentityMap: true,
    },
  );
  return rows.map(toLive);
}

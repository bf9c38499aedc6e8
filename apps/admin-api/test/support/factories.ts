import { randomUUID } from "node:crypto";
import { hashPassword, signAccessToken, type KeyRing } from "@cleanops/auth";
import { createOrganization, withTransaction, type Role } from "@cleanops/db";
import type pg from "pg";
import { TEST_KEY_RING } from "./test-keys.ts";

export const DEFAULT_PASSWORD = "correct-horse-battery-staple";

export type OrgRow = { orgId: string; name: string; slug: string };
export type UserRow = { id: string; email: string; name: string | null; password: string };
export type MembershipRow = { id: string; orgId: string; userId: string; role: Role };
export type Member = { org: OrgRow; user: UserRow; membership: MembershipRow };
/** `emailVerifiedAt`: default now (a proven address); null makes an unverified account, as a sign-up starts. */
export type UserOverrides = Partial<Omit<UserRow, "id">> & { disabledAt?: Date | null; emailVerifiedAt?: Date | null };

let defaultHash: Promise<string> | undefined;
const short = () => randomUUID().slice(0, 8);

/**
 * Test data written as the owner (the platform's view), each with overridable defaults. Passwords are real argon2id
 * hashes; the default one is hashed once per file.
 */
export function factories(owner: pg.Client) {
  async function org(overrides: Partial<OrgRow & { status: "active" | "suspended" }> = {}): Promise<OrgRow> {
    const s = short();
    const created = await withTransaction(owner, () =>
      createOrganization(owner, {
        id: overrides.orgId ?? randomUUID(),
        name: overrides.name ?? `Org ${s}`,
        slug: overrides.slug ?? `org-${s}`,
        status: overrides.status,
      }),
    );
    return { orgId: created.orgId, name: created.name, slug: created.slug };
  }

  async function user(overrides: UserOverrides = {}): Promise<UserRow> {
    const password = overrides.password ?? DEFAULT_PASSWORD;
    const hash = password === DEFAULT_PASSWORD ? await (defaultHash ??= hashPassword(DEFAULT_PASSWORD)) : await hashPassword(password);
    const email = overrides.email ?? `user-${short()}@example.test`;
    const name = overrides.name === undefined ? `User ${email.split("@")[0] ?? ""}` : overrides.name;
    const r = await owner.query<{ id: string }>(
      `INSERT INTO users (email, name, password_hash, disabled_at, email_verified_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [email, name, hash, overrides.disabledAt ?? null, overrides.emailVerifiedAt === undefined ? new Date() : overrides.emailVerifiedAt],
    );
    return { id: r.rows[0]?.id ?? "", email, name, password };
  }

  async function membership(input: { org: OrgRow; user: UserRow; role?: Role; revokedAt?: Date | null }): Promise<MembershipRow> {
    const role = input.role ?? "dispatcher";
    const r = await owner.query<{ id: string }>(
      `INSERT INTO memberships (org_id, user_id, role, revoked_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [input.org.orgId, input.user.id, role, input.revokedAt ?? null],
    );
    return { id: r.rows[0]?.id ?? "", orgId: input.org.orgId, userId: input.user.id, role };
  }

  /** A new user who is a member of `org` (a new org when not given) with `role`. */
  async function member(role: Role, overrides: { org?: OrgRow; user?: UserOverrides } = {}): Promise<Member> {
    const o = overrides.org ?? (await org());
    const u = await user(overrides.user);
    return { org: o, user: u, membership: await membership({ org: o, user: u, role }) };
  }

  return { org, user, membership, member };
}

export type Factories = ReturnType<typeof factories>;

/** A genuine admin-api access token, signed like the app signs them (for tests that do not need a sign-in). */
export function accessTokenFor(
  m: { userId: string; orgId: string; role: Role },
  options: { now: Date; keyRing?: KeyRing; ttlSeconds?: number },
): string {
  return signAccessToken(
    { audience: "admin-api", sub: m.userId, orgId: m.orgId, role: m.role },
    { keyRing: options.keyRing ?? TEST_KEY_RING, now: options.now, ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) },
  ).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

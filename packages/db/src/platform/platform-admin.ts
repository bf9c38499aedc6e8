import { STAFF_ROLES, type StaffRole } from "@cleanops/auth";
import type { EntityManager } from "@mikro-orm/postgresql";
import type pg from "pg";
import { z } from "zod";
import { SLUG_PATTERN, SLUG_RULE, slugify } from "./account-rules.ts";

/**
 * PLATFORM ESCAPE HATCH: operations above any single org (creating orgs, users, memberships), used by the operator
 * CLI and sign-up. They write platform tables directly; they are never reachable with a tenant's request context.
 */

/** The staff roles of @cleanops/auth (the single source), under the name db's callers use. */
export const ROLES = STAFF_ROLES;
export type Role = StaffRole;

export class PlatformInputError extends Error {
  readonly code: "invalid_input" | "not_found" | "conflict";
  constructor(code: PlatformInputError["code"], message: string) {
    super(message);
    this.name = "PlatformInputError";
    this.code = code;
  }
}

// Any 8-4-4-4-12 hex id: the Default org's fixed id is not an RFC 9562 version-4 UUID.
const uuid = z.guid();
export type Organization = { orgId: string; name: string; slug: string; status: string; createdAt: Date };
export type User = { id: string; email: string; name: string | null; createdAt: Date };
export type Membership = { id: string; orgId: string; userId: string; role: Role; revokedAt: Date | null };

type OrgRow = { org_id: string; name: string; slug: string; status: string; created_at: Date };
const toOrg = (r: OrgRow): Organization => ({ orgId: r.org_id, name: r.name, slug: r.slug, status: r.status, createdAt: r.created_at });

/** Runs `work` in one transaction on this client: the platform operations below are meant to be composed inside it. */
export async function withTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
}

/**
 * One SQL statement with `$1…` parameters, run where the caller works: on a pg client (the CLI, as the owner), or in
 * an entity manager's transaction (admin-api's sign-up, as the app role inside `withOrg`), so both share one code path.
 */
export type SqlRunner = <T extends object>(sql: string, params: readonly unknown[]) => Promise<T[]>;

export const pgSqlRunner =
  (client: pg.ClientBase): SqlRunner =>
  async <T extends object>(sql: string, params: readonly unknown[]) =>
    (await client.query<T & pg.QueryResultRow>(sql, [...params])).rows;

/** MikroORM binds `?` in order: each `$n` becomes a `?` with its parameter repeated where `$n` repeats. */
export const emSqlRunner =
  (em: EntityManager): SqlRunner =>
  async <T extends object>(sql: string, params: readonly unknown[]) => {
    const ordered: unknown[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      ordered.push(params[Number(n) - 1]);
      return "?";
    });
    return em.execute<T[]>(text, ordered);
  };

const runnerOf = (db: pg.ClientBase | SqlRunner): SqlRunner => (typeof db === "function" ? db : pgSqlRunner(db));

/** An org's invoice numbering (prefix INV, from 1), which every org has from its creation; no-op when present. */
export async function createInvoiceSequence(db: pg.ClientBase | SqlRunner, orgId: string): Promise<void> {
  await runnerOf(db)(
    `INSERT INTO invoice_number_sequences (org_id, prefix, next_value) VALUES ($1, 'INV', 1) ON CONFLICT (org_id, prefix) DO NOTHING`,
    [orgId],
  );
}

/**
 * A new org with its billing stub (free plan) and its invoice number sequence: the one way an org is created (CLI
 * org:create, admin-api sign-up, the demo seed, tests). Run it in one transaction (`withTransaction`, `withOrg`).
 */
export async function createOrganization(
  db: pg.ClientBase | SqlRunner,
  input: { name: string; slug?: string | undefined; id?: string | undefined; status?: "active" | "suspended" | undefined },
): Promise<Organization> {
  const run = runnerOf(db);
  const name = input.name.trim();
  if (!name) throw new PlatformInputError("invalid_input", "Organization name must not be empty");
  if (input.id !== undefined && !uuid.safeParse(input.id).success) {
    throw new PlatformInputError("invalid_input", `Invalid organization id "${input.id}": not a UUID`);
  }
  const slug = input.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new PlatformInputError("invalid_input", `Invalid slug "${slug}": use ${SLUG_RULE}`);
  }
  const [clash] = await run<{ org_id: string; slug: string }>(
    `SELECT org_id, slug FROM organizations WHERE slug = $1 OR org_id = $2::uuid`,
    [slug, input.id ?? null],
  );
  if (clash) {
    const what = clash.slug === slug ? `slug "${slug}"` : `id ${input.id}`;
    throw new PlatformInputError("conflict", `An organization with ${what} already exists`);
  }
  // The check above sees every org only as the owner: the app role (sign-up) sees none but its own (0052), so a taken
  // slug or id reaches the unique keys, and is the same conflict.
  const [row] = await run<OrgRow>(
    `INSERT INTO organizations (org_id, name, slug, status) VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4)
     RETURNING org_id, name, slug, status, created_at`,
    [input.id ?? null, name, slug, input.status ?? "active"],
  ).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === "23505") {
      throw new PlatformInputError("conflict", `An organization with slug "${slug}" or id ${input.id ?? "(new)"} already exists`);
    }
    throw err;
  });
  if (!row) throw new Error("organization insert returned nothing");
  await run(`INSERT INTO organization_billing (org_id, plan, status, seats) VALUES ($1, 'free', 'active', 1)`, [row.org_id]);
  await createInvoiceSequence(run, row.org_id);
  return toOrg(row);
}

export async function findOrganization(client: pg.ClientBase, idOrSlug: string): Promise<Organization> {
  const byId = uuid.safeParse(idOrSlug).success;
  const res = await client.query<OrgRow>(
    `SELECT org_id, name, slug, status, created_at FROM organizations WHERE ${byId ? "org_id = $1::uuid" : "slug = $1"}`,
    [idOrSlug],
  );
  const row = res.rows[0];
  if (!row) throw new PlatformInputError("not_found", `No organization with ${byId ? "id" : "slug"} "${idOrSlug}"`);
  return toOrg(row);
}

const email = z.email();

export function normalizeEmail(raw: string): string {
  const e = raw.trim().toLowerCase();
  if (!email.safeParse(e).success) throw new PlatformInputError("invalid_input", `Invalid email "${raw}"`);
  return e;
}

/**
 * `passwordHash` is computed by the caller (argon2id in @cleanops/auth); this layer never sees a password. The address
 * counts as verified: the operator creating the account vouches for it (a visitor's sign-up starts unverified).
 */
export async function createUser(
  client: pg.ClientBase,
  input: { email: string; name?: string | undefined; passwordHash: string | null },
): Promise<User> {
  const e = normalizeEmail(input.email);
  try {
    const res = await client.query<{ id: string; email: string; name: string | null; created_at: Date }>(
      `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, $3, now()) RETURNING id, email, name, created_at`,
      [e, input.name?.trim() || null, input.passwordHash],
    );
    const r = res.rows[0];
    if (!r) throw new Error("user insert returned nothing");
    return { id: r.id, email: r.email, name: r.name, createdAt: r.created_at };
  } catch (err) {
    if ((err as { code?: string }).code === "23505") throw new PlatformInputError("conflict", `A user with email ${e} already exists`);
    throw err;
  }
}

export function parseRole(raw: string): Role {
  const role = ROLES.find((r) => r === raw);
  if (!role) throw new PlatformInputError("invalid_input", `Invalid role "${raw}": expected one of ${ROLES.join(", ")}`);
  return role;
}

/** Adds the user to the org with the role; a revoked membership is restored with the new role. */
export async function addMembership(
  client: pg.ClientBase,
  input: { org: string; email: string; role: string },
): Promise<{ membership: Membership; organization: Organization; user: User; restored: boolean }> {
  const role = parseRole(input.role);
  const organization = await findOrganization(client, input.org);
  const e = normalizeEmail(input.email);
  const u = await client.query<{ id: string; email: string; name: string | null; created_at: Date }>(
    `SELECT id, email, name, created_at FROM users WHERE lower(email) = $1`,
    [e],
  );
  const userRow = u.rows[0];
  if (!userRow) throw new PlatformInputError("not_found", `No user with email ${e} (create one with user:create)`);
  const existing = await client.query<{ role: Role; revoked_at: Date | null }>(
    `SELECT role, revoked_at FROM memberships WHERE org_id = $1 AND user_id = $2`,
    [organization.orgId, userRow.id],
  );
  const prior = existing.rows[0];
  if (prior && prior.revoked_at === null) {
    throw new PlatformInputError("conflict", `${e} is already a member of ${organization.slug} as ${prior.role}; nothing changed`);
  }
  const res = await client.query<{ id: string; org_id: string; user_id: string; role: Role; revoked_at: Date | null }>(
    `INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, revoked_at = NULL, updated_at = now()
     RETURNING id, org_id, user_id, role, revoked_at`,
    [organization.orgId, userRow.id, role],
  );
  const m = res.rows[0];
  if (!m) throw new Error("membership upsert returned nothing");
  return {
    membership: { id: m.id, orgId: m.org_id, userId: m.user_id, role: m.role, revokedAt: m.revoked_at },
    organization,
    user: { id: userRow.id, email: userRow.email, name: userRow.name, createdAt: userRow.created_at },
    restored: prior !== undefined,
  };
}

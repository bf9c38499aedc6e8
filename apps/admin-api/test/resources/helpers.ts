import type pg from "pg";
import request from "supertest";
import { teamOfRoles, type SignedIn } from "../support/staff.ts";
import type { TestApp } from "../support/test-app.ts";

/** One signed-in member per role of one new org (main's `teamOfRoles`). */
export type Staff = Awaited<ReturnType<typeof teamOfRoles>>;
export const staffOf = teamOfRoles;

/** Requests signed in as `m`, with its genuine access token. */
export function as(t: TestApp, m: SignedIn) {
  const call = (method: "get" | "post" | "patch" | "delete", path: string) => request(t.app)[method](path).set(m.headers);
  return {
    get: (path: string) => call("get", path),
    post: (path: string, body?: object) => call("post", path).send(body ?? {}),
    patch: (path: string, body: object) => call("patch", path).send(body),
    delete: (path: string) => call("delete", path),
  };
}

/**
 * A client and a booking of `orgId` (with a team when `team` is set), written as the owner: bookings have no route
 * on this branch yet.
 */
export async function insertBooking(
  owner: pg.Client,
  orgId: string,
  options: { team?: boolean } = {},
): Promise<{ clientId: string; bookingId: string }> {
  const client = await owner.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'Client') RETURNING id`, [orgId]);
  const clientId = client.rows[0]?.id ?? "";
  const team = options.team
    ? (
        await owner.query<{ id: string }>(`INSERT INTO teams (org_id, name) VALUES ($1, 'Team ' || gen_random_uuid()) RETURNING id`, [
          orgId,
        ])
      ).rows[0]?.id
    : null;
  const booking = await owner.query<{ id: string }>(
    `INSERT INTO bookings (org_id, client_id, team_id, starts_at, duration_minutes, address, price_cents, currency)
     VALUES ($1, $2, $3, now() + interval '1 day', 120, '1 Main St', 9000, 'EUR') RETURNING id`,
    [orgId, clientId, team],
  );
  return { clientId, bookingId: booking.rows[0]?.id ?? "" };
}

/** The audit rows of `orgId` with `action`, oldest first. */
export async function auditRows(owner: pg.Client, orgId: string, action: string) {
  return (
    await owner.query<{ actor_user_id: string | null; entity_type: string; entity_id: string | null; changes: Record<string, unknown> }>(
      `SELECT actor_user_id, entity_type, entity_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action = $2 ORDER BY created_at, id`,
      [orgId, action],
    )
  ).rows;
}

/** The field names a 400 validation_failed names. */
export function invalidFields(body: unknown): string[] {
  const error = (body as { error: { details?: { issues?: { path: (string | number)[] }[] } } }).error;
  return (error.details?.issues ?? []).map((i) => i.path.join("."));
}

type Answer = { body: unknown };

/** The id of a created or fetched row. */
export const idOf = (res: Answer): string => (res.body as { id: string }).id;

/** The items of a list answer. */
export const itemsOf = (res: Answer): Record<string, unknown>[] => (res.body as { items: Record<string, unknown>[] }).items;

/** One field of every item of a list answer. */
export const pluck = (res: Answer, key: string): unknown[] => itemsOf(res).map((i) => i[key]);

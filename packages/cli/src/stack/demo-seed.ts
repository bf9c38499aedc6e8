import { hashPassword } from "@cleanops/auth";
import {
  addMembership,
  createInvoiceSequence,
  createOrganization,
  createUser,
  DEFAULT_ORG_ID,
  findOrganization,
  PlatformInputError,
  withTransaction,
} from "@cleanops/db";
import type pg from "pg";

export type DemoLogin = { email: string; password: string; note: string };

const DEMO_PASSWORD = "demo-password-2026";

export const DEMO_LOGINS: readonly DemoLogin[] = [
  { email: "owner@default.test", password: DEMO_PASSWORD, note: "owner of Default" },
  { email: "dispatch@default.test", password: DEMO_PASSWORD, note: "dispatcher of Default" },
  { email: "owner@brighthomes.test", password: DEMO_PASSWORD, note: "owner of Bright Homes (the second demo org)" },
];

const SECOND_ORG = { name: "Bright Homes", slug: "bright-homes" };

/** A few related business rows in one org, so the apps have something to show. Written with an explicit org. */
async function seedBusinessData(client: pg.ClientBase, orgId: string, label: string): Promise<void> {
  const team = await client.query<{ id: string }>(`INSERT INTO teams (org_id, name, color) VALUES ($1, $2, '#10b981') RETURNING id`, [
    orgId,
    `${label} Crew A`,
  ]);
  const teamId = team.rows[0]?.id;
  const clients = await client.query<{ id: string }>(
    `INSERT INTO client_users (org_id, name, email, address) VALUES
       ($1, 'Alice Moreau', $2, '12 Rue Verte'), ($1, 'Bob Lin', $3, '99 Harbor Rd') RETURNING id`,
    [orgId, `alice@${label.toLowerCase().replace(/\s+/g, "")}.example`, `bob@${label.toLowerCase().replace(/\s+/g, "")}.example`],
  );
  const firstClient = clients.rows[0]?.id;
  await client.query(`INSERT INTO workers (org_id, team_id, name, email, password_hash) VALUES ($1, $2, 'Ana Silva', $3, $4)`, [
    orgId,
    teamId,
    `ana@${label.toLowerCase().replace(/\s+/g, "")}.test`,
    await hashPassword(DEMO_PASSWORD),
  ]);
  const booking = await client.query<{ id: string }>(
    `INSERT INTO bookings (org_id, client_id, team_id, status, starts_at, duration_minutes, address, price_cents, currency)
     VALUES ($1, $2, $3, 'confirmed', date_trunc('day', now()) + interval '1 day 9 hours', 180, '12 Rue Verte', 18000, 'USD')
     RETURNING id`,
    [orgId, firstClient, teamId],
  );
  const seq = await client.query<{ n: number }>(
    `UPDATE invoice_number_sequences SET next_value = next_value + 1, updated_at = now()
      WHERE org_id = $1 AND prefix = 'INV' RETURNING next_value - 1 AS n`,
    [orgId],
  );
  const number = `INV-${String(seq.rows[0]?.n ?? 1).padStart(6, "0")}`;
  const invoice = await client.query<{ id: string }>(
    `INSERT INTO invoices (org_id, number, client_id, booking_id, status, currency, subtotal_cents, tax_cents, total_cents, issued_at, due_at)
     VALUES ($1, $2, $3, $4, 'issued', 'USD', 18000, 1440, 19440, now(), now() + interval '14 days') RETURNING id`,
    [orgId, number, firstClient, booking.rows[0]?.id],
  );
  await client.query(
    `INSERT INTO invoice_items (org_id, invoice_id, description, quantity, unit_price_cents, tax_rate_bps, position)
     VALUES ($1, $2, 'Deep clean, 3 hours', 1, 18000, 800, 0)`,
    [orgId, invoice.rows[0]?.id],
  );
}

/** Loads the demo once: a second run finds the second org and leaves everything as it is. */
export async function seedDemo(client: pg.ClientBase): Promise<{ seeded: boolean }> {
  try {
    await findOrganization(client, SECOND_ORG.slug);
    return { seeded: false };
  } catch (err) {
    if (!(err instanceof PlatformInputError)) throw err;
  }
  await withTransaction(client, async () => {
    const second = await createOrganization(client, SECOND_ORG);
    for (const login of DEMO_LOGINS) {
      await createUser(client, { email: login.email, passwordHash: await hashPassword(login.password) });
    }
    await addMembership(client, { org: DEFAULT_ORG_ID, email: "owner@default.test", role: "owner" });
    await addMembership(client, { org: DEFAULT_ORG_ID, email: "dispatch@default.test", role: "dispatcher" });
    await addMembership(client, { org: second.orgId, email: "owner@brighthomes.test", role: "owner" });
    // The Default org predates createOrganization (migration 0034 made it): give it the numbering every org has.
    await createInvoiceSequence(client, DEFAULT_ORG_ID);
    await seedBusinessData(client, DEFAULT_ORG_ID, "Default");
    await seedBusinessData(client, second.orgId, "Bright Homes");
  });
  return { seeded: true };
}

import { signAccessToken, type KeyRing } from "@cleanops/auth";
import { signWebhookPayload } from "@cleanops/payments";
import pg from "pg";

/** What the load generator sends: a method, a path, headers and a body, made fresh for each request. */
export type Req = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };
export type ReqFactory = () => Req;

export type Targets = {
  getBooking: ReqFactory;
  listBookings: ReqFactory;
  listSmallOrg: ReqFactory;
  createBooking: ReqFactory;
  jobsToday: ReqFactory;
  invoiceJson: ReqFactory;
  webhook: ReqFactory;
  largeOrg: { orgId: string; bookings: number };
  smallOrg: { orgId: string; bookings: number };
};

const pick = <T>(list: readonly T[]): T => {
  const v = list[Math.floor(Math.random() * list.length)];
  if (v === undefined) throw new Error("empty target list");
  return v;
};

const json = { "content-type": "application/json" };

/**
 * Reads the generated dataset (as the owner) and returns request factories: random bookings of random orgs, the
 * largest org's list, the smallest org's list (noisy neighbour), random clients for creates, workers of teams that
 * have jobs in the coming days, public links and issued invoices for webhook payments. Tokens are signed with the
 * servers' key, like the apps' sign-in would.
 */
export async function loadTargets(ownerUrl: string, secrets: { jwt: string; webhook: string }): Promise<Targets> {
  const keyRing: KeyRing = { current: { kid: "bench", secret: secrets.jwt } };
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const now = new Date();
    const staff = new Map<string, string>();
    for (const m of (await c.query<{ org_id: string; user_id: string }>(`SELECT org_id, user_id FROM memberships WHERE role = 'owner'`))
      .rows) {
      staff.set(
        m.org_id,
        `Bearer ${signAccessToken({ audience: "admin-api", sub: m.user_id, orgId: m.org_id, role: "owner" }, { keyRing, now, ttlSeconds: 3600 }).token}`,
      );
    }
    const auth = (orgId: string) => {
      const h = staff.get(orgId);
      if (!h) throw new Error(`no owner for ${orgId}`);
      return h;
    };
    const sizes = (
      await c.query<{ org_id: string; n: number }>(
        `SELECT org_id, count(*)::int AS n FROM bookings GROUP BY org_id ORDER BY count(*) DESC, org_id`,
      )
    ).rows;
    const large = sizes[0];
    const small = sizes.at(-1);
    if (!large || !small) throw new Error("the dataset has no bookings");
    const bookings = (await c.query<{ org_id: string; id: string }>(`SELECT org_id, id FROM bookings TABLESAMPLE SYSTEM (1) LIMIT 5000`))
      .rows;
    const clients = (
      await c.query<{ org_id: string; id: string }>(`SELECT org_id, id FROM client_users TABLESAMPLE SYSTEM (10) LIMIT 5000`)
    ).rows;
    const workers = (
      await c.query<{ org_id: string; id: string }>(
        `SELECT w.org_id, w.id FROM workers w
         WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.org_id = w.org_id AND b.team_id = w.team_id AND b.starts_at >= now() AND b.status <> 'cancelled')
         LIMIT 2000`,
      )
    ).rows.map((w) => ({
      auth: `Bearer ${signAccessToken({ audience: "worker-portal", sub: w.id, orgId: w.org_id, role: "worker" }, { keyRing, now, ttlSeconds: 3600 }).token}`,
    }));
    // Links of invoices a customer is shown: a draft's or a void one's answer is 404, like an unknown link's.
    const links = (
      await c.query<{ slug: string; number: string }>(
        `SELECT o.slug, i.number FROM invoice_public_tokens t
         JOIN invoices i ON i.org_id = t.org_id AND i.id = t.invoice_id JOIN organizations o ON o.org_id = t.org_id
         WHERE t.id IN (SELECT id FROM invoice_public_tokens TABLESAMPLE SYSTEM (5) LIMIT 5000)
           AND i.number IS NOT NULL AND i.status NOT IN ('draft', 'void')`,
      )
    ).rows
      .map((l) => `bench-link-${l.slug.replace("bench-", "")}-${Number(l.number.replace("INV-", ""))}`)
      // A real link's token is 16 characters or more, and the app answers a shorter one 404 unread; a few generated ones are.
      .filter((token) => token.length >= 16)
      .map((token) => `/i/${token}`);
    const issued = (
      await c.query<{ org_id: string; id: string }>(
        `SELECT org_id, id FROM invoices WHERE status = 'issued' AND id IN (SELECT id FROM invoices TABLESAMPLE SYSTEM (5)) LIMIT 5000`,
      )
    ).rows;
    let created = 0;
    let events = 0;
    const runTag = Date.now().toString(36);
    const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    return {
      largeOrg: { orgId: large.org_id, bookings: large.n },
      smallOrg: { orgId: small.org_id, bookings: small.n },
      getBooking: () => {
        const b = pick(bookings);
        return { method: "GET", path: `/bookings/${b.id}`, headers: { authorization: auth(b.org_id) } };
      },
      listBookings: () => ({ method: "GET", path: `/bookings?status=completed&limit=50`, headers: { authorization: auth(large.org_id) } }),
      listSmallOrg: () => ({ method: "GET", path: `/bookings?status=completed&limit=50`, headers: { authorization: auth(small.org_id) } }),
      createBooking: () => {
        const client = pick(clients);
        created++;
        // Spread over the coming year (unassigned: no team, so no schedule conflicts to check).
        const startsAt = new Date(now.getTime() + 86_400_000 * (40 + (created % 300)) + (created % 48) * 1_800_000);
        return {
          method: "POST",
          path: "/bookings",
          headers: { ...json, authorization: auth(client.org_id) },
          body: JSON.stringify({
            client_id: client.id,
            starts_at: startsAt.toISOString(),
            duration_minutes: 120,
            price_cents: 12000,
            currency: "USD",
          }),
        };
      },
      jobsToday: () => ({ method: "GET", path: "/jobs", headers: { authorization: pick(workers).auth } }),
      invoiceJson: () => ({ method: "GET", path: pick(links), headers: { accept: "application/json", "x-forwarded-for": ip() } }),
      webhook: () => {
        const inv = pick(issued);
        events++;
        const id = `evt_bench_${runTag}_${events}`;
        const body = JSON.stringify({
          id,
          object: "event",
          type: "payment_intent.succeeded",
          created: Math.floor(Date.now() / 1000),
          data: {
            object: {
              id: `pi_bench_${runTag}_${events}`,
              object: "payment_intent",
              amount: 1,
              amount_received: 1,
              currency: "usd",
              metadata: { org_id: inv.org_id, invoice_id: inv.id },
            },
          },
        });
        return {
          method: "POST",
          path: "/webhooks/stripe",
          headers: { ...json, "stripe-signature": signWebhookPayload(body, secrets.webhook, Math.floor(Date.now() / 1000)) },
          body,
        };
      },
    };
  } finally {
    await c.end();
  }
}

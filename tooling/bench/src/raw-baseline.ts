import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";
import pg from "pg";
import { INVOICE_SQL } from "../../../apps/public-invoices/src/invoices/public-invoice.ts";

/**
 * The baseline: node:http + pg, no framework, no ORM, the same SQL statements the apps send for each scenario (as
 * captured by capture-sql.ts) with the same org predicates and the same transactions, opened the same way: BEGIN (or
 * START TRANSACTION READ ONLY for a read) and `set_config('app.current_org', …, true)` in one message pipelined with the
 * first statement (pg's pipeline mode), a read's COMMIT not waited for, as the app role (row-level security on).
 * What it leaves out on purpose: token signature checks (the JWT payload is decoded, not verified), input
 * validation, response schemas, logging. So it is the limit of this stack on this machine, not a fair competitor.
 */
type Tx = { q: <R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function claims(req: http.IncomingMessage): { sub: string; orgId: string } | null {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return null;
  const c = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: string; org_id?: string };
  return c.sub && c.org_id && UUID.test(c.org_id) ? { sub: c.sub, orgId: c.org_id } : null;
}

async function body(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const LIVE_MEMBERSHIP = `select * from find_live_membership($1, $2)`;
const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const BOOKING_COLUMNS = `b.id, b.client_id, b.team_id, b.status, ${utc("b.starts_at")} AS starts_at, b.duration_minutes, b.address,
  b.price_cents, b.currency, b.notes, b.subscription_id, b.occurrence_date::text AS occurrence_date,
  ${utc("b.created_at")} AS created_at, ${utc("b.updated_at")} AS updated_at`;
const ADDONS = `SELECT oa.id, oa.booking_id, oa.addon_id, a.name, oa.quantity, oa.unit_price_cents
  FROM order_addons oa JOIN addon_definitions a ON a.org_id = oa.org_id AND a.id = oa.addon_id
  WHERE oa.org_id = $1 AND oa.booking_id = ANY($2::uuid[])`;

export function rawBaseline(url: string): { handler: http.RequestListener; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: "raw-baseline", pipeline: true });
  // public-invoices' rate-limiter pool: its counters commit without waiting for the WAL flush, as the app's do.
  const limiterPool = new pg.Pool({
    connectionString: url,
    max: 10,
    application_name: "raw-baseline",
    options: "-c synchronous_commit=off",
  });

  /** One transaction of the org, as the tenant ORM opens it (scoped-driver.ts) and `readTransaction` ends a read. */
  async function inOrg<T>(orgId: string, mode: "read" | "write" | "async-write", work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // orgId matched the UUID pattern: safe as a literal, and a literal keeps this one simple-protocol message.
    const prelude = client.query(
      `${mode === "read" ? "START TRANSACTION READ ONLY" : "BEGIN"}; SELECT set_config('app.current_org', '${orgId}', true)` +
        (mode === "async-write" ? `, set_config('synchronous_commit', 'off', true)` : ""),
    );
    prelude.catch(() => undefined);
    let result: T;
    try {
      result = await work({
        q: async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) =>
          (await Promise.all([prelude, client.query<R>(sql, params)]))[1].rows,
      });
      if (mode !== "read") await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
      throw err;
    }
    if (mode !== "read") client.release();
    else
      client.query("COMMIT").then(
        () => client.release(),
        (err: unknown) => client.release(err instanceof Error ? err : new Error(String(err))),
      );
    return result;
  }

  /** The staff check of admin-api: one statement outside any transaction. */
  const liveMember = async (c: { sub: string; orgId: string }) => (await pool.query(LIVE_MEMBERSHIP, [c.sub, c.orgId])).rows.length > 0;

  async function route(req: http.IncomingMessage): Promise<[number, unknown]> {
    const u = new URL(req.url ?? "/", "http://x");
    const c = claims(req);
    if (req.method === "GET" && u.pathname.startsWith("/bookings/") && c) {
      const id = u.pathname.slice("/bookings/".length);
      if (!(await liveMember(c))) return [401, { error: "membership_revoked" }];
      if (!UUID.test(id)) return [404, { error: "not_found" }];
      return inOrg(c.orgId, "read", async (tx) => {
        const [b] = await tx.q(`SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE b.org_id = $1 AND b.id = $2`, [c.orgId, id]);
        if (!b) return [404, { error: "not_found" }];
        return [200, { ...b, addons: await tx.q(ADDONS, [c.orgId, [id]]) }];
      });
    }
    if (req.method === "GET" && u.pathname === "/bookings" && c) {
      const status = u.searchParams.get("status") ?? "completed";
      const limit = Number(u.searchParams.get("limit") ?? "50");
      if (!(await liveMember(c))) return [401, { error: "membership_revoked" }];
      return inOrg(c.orgId, "read", async (tx) => {
        const rows = await tx.q<{ id: string }>(
          `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE b.org_id = $1 AND b.status = $2 ORDER BY b.created_at DESC, b.id DESC LIMIT $3`,
          [c.orgId, status, limit + 1],
        );
        const addons = await tx.q<{ booking_id: string }>(ADDONS, [c.orgId, rows.map((r) => r.id)]);
        return [200, { items: rows.slice(0, limit).map((r) => ({ ...r, addons: addons.filter((a) => a.booking_id === r.id) })) }];
      });
    }
    if (req.method === "POST" && u.pathname === "/bookings" && c) {
      const input = JSON.parse(await body(req)) as {
        client_id: string;
        starts_at: string;
        duration_minutes: number;
        price_cents: number;
        currency: string;
      };
      if (!(await liveMember(c))) return [401, { error: "membership_revoked" }];
      return inOrg(c.orgId, "write", async (tx) => {
        // The app's statements for a create (admin-api's bookings.actions.ts), one by one.
        const [client] = await tx.q<{ address: string | null; archived: boolean }>(
          `SELECT c.address, c.archived_at IS NOT NULL AS archived FROM client_users c WHERE c.org_id = $1 AND c.id = $2`,
          [c.orgId, input.client_id],
        );
        if (!client) return [404, { error: "not_found" }];
        const id = randomUUID();
        const now = new Date();
        const [row] = await tx.q(
          `INSERT INTO bookings AS b (id, org_id, client_id, status, starts_at, duration_minutes, address, price_cents, currency, notes,
                                      created_at, updated_at)
           VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9, $10, $10)
           RETURNING ${BOOKING_COLUMNS}`,
          [
            id,
            c.orgId,
            input.client_id,
            input.starts_at,
            input.duration_minutes,
            client.address ?? "",
            input.price_cents,
            input.currency,
            null,
            now,
          ],
        );
        await tx.q(`INSERT INTO organization_usage_events (org_id, kind, quantity, occurred_at) VALUES ($1, 'booking_created', 1, $2)`, [
          c.orgId,
          now,
        ]);
        await tx.q(
          `INSERT INTO admin_audit_logs (org_id, actor_user_id, ip, request_id, action, entity_type, entity_id, changes)
           SELECT $1, $2, $3::inet, $4, x.action, x.entity_type, x.entity_id, x.changes
             FROM unnest($5::text[], $6::text[], $7::text[], $8::jsonb[]) AS x(action, entity_type, entity_id, changes)`,
          [c.orgId, c.sub, "127.0.0.1", randomUUID(), ["booking.created"], ["booking"], [id], [JSON.stringify({ after: row })]],
        );
        return [201, row];
      });
    }
    if (req.method === "GET" && u.pathname === "/jobs" && c) {
      // worker-portal: the worker check in a read transaction of its own (every request), then the page's reads.
      const [worker] = await inOrg(c.orgId, "read", (tx) =>
        tx.q<{ team_id: string | null }>(
          `SELECT w.id, w.name, w.email, w.team_id, o.name AS org_name
             FROM workers w JOIN organizations o ON o.org_id = w.org_id AND o.status = 'active'
            WHERE w.org_id = $1 AND w.id = $2 AND w.active`,
          [c.orgId, c.sub],
        ),
      );
      if (!worker) return [401, { error: "membership_revoked" }];
      const teamId = worker.team_id;
      if (!teamId) return [200, { items: [] }];
      return inOrg(c.orgId, "read", async (tx) => {
        await tx.q(`SELECT h.timezone FROM team_working_hours h WHERE h.org_id = $1 AND h.team_id = $2 ORDER BY h.weekday ASC LIMIT 1`, [
          c.orgId,
          teamId,
        ]);
        const since = new Date();
        since.setUTCHours(0, 0, 0, 0);
        const items = await tx.q(
          `SELECT b.id, b.status, ${utc("b.starts_at")} AS starts_at, b.duration_minutes, b.address, c.name AS client_name
             FROM bookings b JOIN client_users c ON c.org_id = b.org_id AND c.id = b.client_id
            WHERE b.org_id = $1 AND b.team_id = $2 AND b.status <> 'cancelled' AND (b.starts_at >= $3 OR b.status = 'in_progress')
            ORDER BY b.starts_at ASC, b.id ASC LIMIT 100`,
          [c.orgId, teamId, since],
        );
        return [200, { items }];
      });
    }
    if (req.method === "GET" && u.pathname.startsWith("/i/")) {
      const hash = createHash("sha256").update(u.pathname.slice(3), "utf8").digest("hex");
      const ip = String(req.headers["x-forwarded-for"] ?? "127.0.0.1");
      const expire = Date.now() + 60_000;
      await limiterPool.query(
        `INSERT INTO rate_limits_public_invoices VALUES ($1, $2, $3) ON CONFLICT(key) DO UPDATE SET points = CASE WHEN (rate_limits_public_invoices.expire <= $4 OR 1=0) THEN $2 ELSE rate_limits_public_invoices.points + ($2) END, expire = CASE WHEN rate_limits_public_invoices.expire <= $4 THEN $3 ELSE rate_limits_public_invoices.expire END RETURNING points, expire`,
        [`invoice-link:${ip}`, 1, expire, Date.now()],
      );
      const [target] = (
        await pool.query<{ org_id: string; invoice_id: string }>(`SELECT org_id, invoice_id FROM resolve_invoice_public_token($1)`, [hash])
      ).rows;
      if (!target) return [404, { error: "not_found" }];
      return inOrg(target.org_id, "async-write", async (tx) => {
        const [invoice] = await tx.q(INVOICE_SQL, [target.org_id, target.invoice_id]);
        if (!invoice) return [404, { error: "not_found" }];
        await tx.q(
          `UPDATE invoice_public_tokens SET last_viewed_at = $3, view_count = view_count + 1 WHERE org_id = $1 AND token_hash = $2`,
          [target.org_id, hash, new Date()],
        );
        return [200, invoice];
      });
    }
    if (req.method === "POST" && u.pathname === "/webhooks/stripe") {
      const event = JSON.parse(await body(req)) as {
        id: string;
        type: string;
        data: { object: { id: string; amount: number; currency: string; metadata: { org_id: string; invoice_id: string } } };
      };
      const o = event.data.object;
      const orgId = o.metadata.org_id;
      if (!UUID.test(orgId)) return [400, { error: "bad_request" }];
      // The app's statements for a payment (public-invoices' stripe-event-effects.ts), one by one.
      return inOrg(orgId, "write", async (tx) => {
        const eventRowId = randomUUID();
        const now = new Date();
        const [filed] = await tx.q(
          `WITH receipt AS (
             INSERT INTO stripe_event_receipts (stripe_event_id, org_id, payment_intent_id)
             SELECT $3, $1, $4 WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.org_id = $1)
             ON CONFLICT DO NOTHING RETURNING stripe_event_id)
           INSERT INTO stripe_events (id, org_id, stripe_event_id, type, payload, received_at)
           SELECT $2, $1, r.stripe_event_id, $5, $6::jsonb, $7 FROM receipt r RETURNING id`,
          [orgId, eventRowId, event.id, o.id, event.type, JSON.stringify(event), now],
        );
        if (!filed) return [200, { received: true, duplicate: true }];
        const [invoice] = await tx.q<{ id: string; total_cents: number }>(
          `SELECT i.id, i.status, i.currency, i.total_cents FROM invoices i WHERE i.org_id = $1 AND i.id = $2 FOR UPDATE`,
          [orgId, o.metadata.invoice_id],
        );
        if (!invoice) return [200, { received: true }];
        const [ledger] = await tx.q<{ payments: { amountCents: number }[] }>(
          `SELECT coalesce((SELECT json_agg(json_build_object('amountCents', p.amount_cents))
                              FROM invoice_payments p WHERE p.org_id = $1 AND p.invoice_id = $2), '[]') AS payments,
                  coalesce((SELECT json_agg(json_build_object('kind', f.kind, 'amountCents', f.amount_cents, 'note', f.note))
                              FROM financial_adjustment_events f WHERE f.org_id = $1 AND f.invoice_id = $2), '[]') AS adjustments,
                  EXISTS (SELECT 1 FROM invoice_payments p WHERE p.org_id = $1 AND p.provider_payment_id = $3) AS has_payment`,
          [orgId, invoice.id, o.id],
        );
        const paid = (ledger?.payments ?? []).reduce((sum, p) => sum + p.amountCents, 0) + o.amount;
        const paymentId = randomUUID();
        await tx.q(
          `INSERT INTO invoice_payments (id, org_id, invoice_id, amount_cents, currency, method, provider, provider_payment_id, received_at)
           VALUES ($1, $2, $3, $4, 'USD', 'card', 'stripe', $5, $6)`,
          [paymentId, orgId, invoice.id, o.amount, o.id, now],
        );
        await tx.q(
          `UPDATE invoices SET status = $3, amount_paid_cents = $4, updated_at = $5,
                  paid_at = CASE WHEN $3 <> 'paid' THEN NULL WHEN status = 'paid' THEN paid_at ELSE $5 END
            WHERE org_id = $1 AND id = $2`,
          [orgId, invoice.id, paid >= invoice.total_cents ? "paid" : "partially_paid", paid, now],
        );
        await tx.q(`UPDATE stripe_events SET processed_at = $3, error = $4 WHERE org_id = $1 AND id = $2`, [orgId, eventRowId, now, null]);
        await tx.q(
          `INSERT INTO admin_audit_logs (org_id, actor_user_id, ip, request_id, action, entity_type, entity_id, changes)
           SELECT $1, $2, $3::inet, $4, x.action, x.entity_type, x.entity_id, x.changes
             FROM unnest($5::text[], $6::text[], $7::text[], $8::jsonb[]) AS x(action, entity_type, entity_id, changes)`,
          [
            orgId,
            null,
            null,
            randomUUID(),
            ["stripe_event.received", "invoice_payment.created", "stripe_event.processed"],
            ["stripe_event", "invoice_payment", "stripe_event"],
            [eventRowId, paymentId, eventRowId],
            [
              JSON.stringify({ stripe_event_id: event.id, type: event.type }),
              JSON.stringify({ after: { invoice_id: invoice.id, amount_cents: o.amount } }),
              JSON.stringify({ stripe_event_id: event.id, type: event.type, result: "payment recorded", error: null }),
            ],
          ],
        );
        return [200, { received: true, duplicate: false }];
      });
    }
    return [404, { error: "not_found" }];
  }

  const handler: http.RequestListener = (req, res) => {
    route(req).then(
      ([status, payload]) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "internal", message: err instanceof Error ? err.message : String(err) }));
      },
    );
  };
  return { handler, close: async () => void (await Promise.all([pool.end(), limiterPool.end()])) };
}

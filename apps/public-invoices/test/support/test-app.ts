import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { hashToken } from "@cleanops/auth";
import { createPgPool, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { asAppRole, createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import { localProvider, signWebhookPayload, type PaymentProvider } from "@cleanops/payments";
import { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import pg from "pg";
import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import type { LinkRateLimit } from "../../src/invoices/rate-limit.ts";

export const WEBHOOK_SECRET = `whsec_test_${randomBytes(16).toString("hex")}`;

export type TestClock = { now: () => Date; set: (d: Date) => void };

export type TestApp = {
  app: Express;
  /** The app listening on 127.0.0.1 (the local provider delivers its events over real HTTP). */
  baseUrl: string;
  orm: MikroORM;
  owner: pg.Client;
  db: TestDatabase;
  clock: TestClock;
  logText: () => string;
  close: () => Promise<void>;
};

/** public-invoices on its own cloned database, as the app role, with the local provider and a listening server. */
export async function startTestApp(options: { rateLimit?: LinkRateLimit; provider?: PaymentProvider } = {}): Promise<TestApp> {
  const db = await createTestDatabase("head");
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  const appUrl = asAppRole(db.url);
  const orm = await MikroORM.init(tenantOrmOptions(ormOptions(appUrl, { pool: { min: 0, max: 12 } })));
  const pool = createPgPool(appUrl, { max: 4, asynchronousCommit: true });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  let t = new Date();
  const clock: TestClock = { now: () => new Date(t), set: (d) => (t = d) };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = createApp({
    pool,
    orm,
    logger: pino({ level: "debug" }, sink),
    clock: clock.now,
    rateLimit: options.rateLimit ?? { points: 1000, durationSeconds: 60 },
    payments: {
      provider: options.provider ?? localProvider({ baseUrl, secret: WEBHOOK_SECRET }),
      webhookSecret: WEBHOOK_SECRET,
      publicBaseUrl: baseUrl,
    },
  });
  server.on("request", app);
  return {
    app,
    baseUrl,
    orm,
    owner,
    db,
    clock,
    logText: () => chunks.join(""),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
      await orm.close(true);
      await owner.end();
      await db.drop();
    },
  };
}

export type SeededInvoice = { orgId: string; orgName: string; invoiceId: string; number: string; token: string; linkId: string };

/**
 * An org with one issued invoice (two lines: 100.00 at 20 % tax and 2 × 25.00 untaxed → 150.00 + 20.00 = 170.00)
 * and a live public link, written as the owner.
 */
export async function seedInvoice(
  owner: pg.Client,
  o: { orgName?: string; currency?: string; number?: string; status?: string } = {},
): Promise<SeededInvoice> {
  const orgId = randomUUID();
  const orgName = o.orgName ?? `Sparkle ${orgId.slice(0, 6)}`;
  await owner.query(`INSERT INTO organizations (org_id, name, slug, status) VALUES ($1, $2, $3, 'active')`, [
    orgId,
    orgName,
    `o-${orgId.slice(0, 8)}`,
  ]);
  const client = await owner.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'Ann Client') RETURNING id`, [
    orgId,
  ]);
  const number = o.number ?? "INV-000001";
  const inv = await owner.query<{ id: string }>(
    `INSERT INTO invoices (org_id, number, client_id, status, currency, subtotal_cents, tax_cents, total_cents, amount_paid_cents, issued_at, due_at)
     VALUES ($1, $2, $3, $4, $5, 15000, 2000, 17000, 0, '2026-11-02T09:00:00Z', '2026-11-16T09:00:00Z') RETURNING id`,
    [orgId, number, client.rows[0]?.id, o.status ?? "issued", o.currency ?? "EUR"],
  );
  const invoiceId = inv.rows[0]?.id ?? "";
  await owner.query(
    `INSERT INTO invoice_items (org_id, invoice_id, description, quantity, unit_price_cents, tax_rate_bps, position)
     VALUES ($1, $2, 'Deep clean <3 rooms>', 1, 10000, 2000, 0), ($1, $2, 'Window cleaning', 2, 2500, 0, 1)`,
    [orgId, invoiceId],
  );
  const { token, linkId } = await addLink(owner, orgId, invoiceId);
  return { orgId, orgName, invoiceId, number, token, linkId };
}

/** A public link as admin-api makes one: 256 random bits, only the hash stored. */
export async function addLink(owner: pg.Client, orgId: string, invoiceId: string, expiresAt = new Date(Date.now() + 30 * 86_400_000)) {
  const token = randomBytes(32).toString("base64url");
  const r = await owner.query<{ id: string }>(
    `INSERT INTO invoice_public_tokens (org_id, invoice_id, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
    [orgId, invoiceId, hashToken(token), expiresAt],
  );
  return { token, linkId: r.rows[0]?.id ?? "" };
}

/** A Stripe-shaped event, signed as Stripe signs it at `at`. */
export function signedEvent(event: Record<string, unknown>, at: Date, secret = WEBHOOK_SECRET): { body: string; signature: string } {
  const body = JSON.stringify(event);
  return { body, signature: signWebhookPayload(body, secret, Math.floor(at.getTime() / 1000)) };
}

export function checkoutCompleted(
  id: string,
  inv: Pick<SeededInvoice, "orgId" | "invoiceId">,
  o: { amount?: number; currency?: string; paymentIntent?: string; paymentStatus?: string } = {},
): Record<string, unknown> {
  return {
    id,
    object: "event",
    type: "checkout.session.completed",
    created: 1_764_000_000,
    data: {
      object: {
        id: `cs_${id}`,
        object: "checkout.session",
        payment_status: o.paymentStatus ?? "paid",
        amount_total: o.amount ?? 17000,
        currency: (o.currency ?? "eur").toLowerCase(),
        payment_intent: o.paymentIntent ?? `pi_${id}`,
        metadata: { org_id: inv.orgId, invoice_id: inv.invoiceId },
      },
    },
  };
}

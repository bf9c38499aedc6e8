import { generateOpaqueToken, hashToken } from "@cleanops/auth";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Invoice } from "../src/entities/index.ts";
import { resolvePublicInvoiceToken } from "../src/invoices/public-invoice-tokens.ts";
import { ormOptions } from "../src/orm/orm-config.ts";
import { tenantOrmOptions } from "../src/tenancy/tenant-orm.ts";
import { withOrg } from "../src/tenancy/with-org.ts";
import { asAppRole, createTestDatabase, UNSCOPED_ON_PURPOSE, type TestDatabase } from "../src/testing/index.ts";

const A = "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const B = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

/** One issued invoice per org, each with a live, a revoked and an expired link; returns the raw tokens. */
async function seed(owner: pg.Client): Promise<Record<"A" | "B", { invoice: string; live: string; revoked: string; expired: string }>> {
  const out = {} as Record<"A" | "B", { invoice: string; live: string; revoked: string; expired: string }>;
  for (const [key, org] of [
    ["A", A],
    ["B", B],
  ] as const) {
    await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $3)`, [org, key, `tokens-${key.toLowerCase()}`]);
    const c = await owner.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'c') RETURNING id`, [org]);
    // Both orgs use the same invoice number: numbers are unique per org, links must still never cross.
    const inv = await owner.query<{ id: string }>(
      `INSERT INTO invoices (org_id, number, client_id, status, currency, subtotal_cents, total_cents)
       VALUES ($1, 'INV-000001', $2, 'issued', 'USD', 100, 100) RETURNING id`,
      [org, c.rows[0]?.id],
    );
    const invoice = inv.rows[0]?.id ?? "";
    const tokens = { live: generateOpaqueToken(), revoked: generateOpaqueToken(), expired: generateOpaqueToken() };
    for (const [kind, token] of Object.entries(tokens)) {
      await owner.query(
        `INSERT INTO invoice_public_tokens (org_id, invoice_id, token_hash, expires_at, revoked_at)
         VALUES ($1, $2, $3, now() + ($4 || ' days')::interval, $5)`,
        [org, invoice, hashToken(token), kind === "expired" ? "-1" : "30", kind === "revoked" ? new Date() : null],
      );
    }
    out[key] = { invoice, ...tokens };
  }
  return out;
}

describe("public invoice links", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let orm: MikroORM;
  let links: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    links = await seed(owner);
    orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 2 } })));
  });
  afterAll(async () => {
    await orm.close(true);
    await owner.end();
    await db.drop();
  });

  it("resolve a live token to exactly its own org and invoice", async () => {
    for (const key of ["A", "B"] as const) {
      const target = await resolvePublicInvoiceToken(orm.em.fork(), links[key].live);
      expect(target).toEqual({ orgId: key === "A" ? A : B, invoiceId: links[key].invoice });
      const invoice = await withOrg(orm, target?.orgId ?? "", (em) => em.findOneOrFail(Invoice, { id: target?.invoiceId ?? "" }));
      expect(invoice.number).toBe("INV-000001");
    }
  });

  it("resolve revoked, expired, unknown and malformed tokens to nothing, alike", async () => {
    for (const token of [links.A.revoked, links.A.expired, generateOpaqueToken(), "short", "x'; select 1 --", ""]) {
      expect(await resolvePublicInvoiceToken(orm.em.fork(), token)).toBeNull();
    }
  });

  it("give the app role no other way to read tokens across orgs", async () => {
    const app = new pg.Client({ connectionString: asAppRole(db.url) });
    await app.connect();
    try {
      const seen = await app.query(`${UNSCOPED_ON_PURPOSE} SELECT token_hash FROM invoice_public_tokens`);
      expect(seen.rowCount).toBe(0);
      // The resolver answers one hash at a time: it cannot be used to list tokens.
      const listed = await app.query(`SELECT * FROM resolve_invoice_public_token(NULL)`);
      expect(listed.rowCount).toBe(0);
    } finally {
      await app.end();
    }
  });
});

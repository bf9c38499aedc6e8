import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { ormOptions } from "../orm/orm-config.ts";
import { tenantOrmOptions } from "../tenancy/tenant-orm.ts";
import { asAppRole } from "./app-role.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

/** A test file's own database, an owner connection, and the tenant ORM as the application role, as the apps run it. */
export type TenantHarness = {
  db: TestDatabase;
  /** The database's owner: seeds rows and checks them behind the app's back (no row-level security). */
  owner: pg.Client;
  /** The tenant ORM (filter, guard, scoped driver) logged in as the application role. */
  orm: MikroORM;
  /** Seeds an org, and with `bookings` > 0 one client and that many bookings of it. */
  seedOrg(orgId: string, slug: string, bookings?: number): Promise<void>;
  close(): Promise<void>;
};

export async function openTenantHarness(options: { poolMax: number }): Promise<TenantHarness> {
  const db = await createTestDatabase("head");
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  const orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: options.poolMax } })));
  return {
    db,
    owner,
    orm,
    seedOrg: async (orgId, slug, bookings = 0) => {
      await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $2)`, [orgId, slug]);
      if (bookings === 0) return;
      await owner.query(`INSERT INTO client_users (org_id, name) VALUES ($1, 'c')`, [orgId]);
      await owner.query(
        `INSERT INTO bookings (org_id, client_id, starts_at, duration_minutes, address, price_cents, currency)
         SELECT $1, (SELECT id FROM client_users WHERE org_id = $1), now(), 60, 'x', 1000, 'USD' FROM generate_series(1, $2)`,
        [orgId, bookings],
      );
    },
    close: async () => {
      await orm.close(true);
      await owner.end();
      await db.drop();
    },
  };
}

import { Migration } from "@mikro-orm/migrations";
import type { MigrationContext } from "./migration-context.ts";
import { guardDataLoss } from "./data-loss.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import { DEFAULT_ORG_ID } from "./tenant-tables.ts";

// Legacy integer ids map to UUIDs whose last 8 hex digits are the integer, so 1 is the Default org and down maps back.
// When the company is another id k (the only organization, or the one the operator named), k and 1 swap places:
// k becomes the Default org, a legacy 1 takes k's UUID, and down swaps them back.
const plainUuid = (col: string) => `lpad(to_hex(${col}), 32, '0')::uuid`;
const plainInt = (col: string) => `('x' || right(${col}::text, 8))::bit(32)::int`;
const INT_TO_UUID = (col: string, k: number) =>
  k === 1 ? plainUuid(col) : `CASE ${col} WHEN ${k} THEN ${plainUuid("1")} WHEN 1 THEN ${plainUuid(String(k))} ELSE ${plainUuid(col)} END`;
const UUID_TO_INT = (col: string, k: number) =>
  k === 1 ? plainInt(col) : `CASE ${col} WHEN ${plainUuid("1")} THEN ${k} WHEN ${plainUuid(String(k))} THEN 1 ELSE ${plainInt(col)} END`;
const MAPPABLE = (col: string) => `${col}::text LIKE '00000000-0000-0000-0000-0000________'`;

/** Remembers what 0034 itself created, so that down removes exactly that and nothing the legacy install had. */
const STATE_TABLE = "tenancy_migration_state";

export function createM0034(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override async up(): Promise<void> {
      const q = (sql: string) => this.execute(sql);
      await q(`CREATE TABLE ${STATE_TABLE} (key text PRIMARY KEY, value text NOT NULL)`);
      const orgs = await this.execute(`SELECT org_id FROM organizations ORDER BY org_id`);
      const only = orgs.length === 1 ? Number(orgs[0]?.org_id) : undefined;
      const k = ctx.defaultOrgFrom ?? only ?? 1;
      if (ctx.defaultOrgFrom !== undefined && !orgs.some((o) => Number(o.org_id) === ctx.defaultOrgFrom)) {
        throw new Error(`0034: --default-org-from ${ctx.defaultOrgFrom} names no legacy organization`);
      }
      if (k !== 1) {
        await q(`INSERT INTO ${STATE_TABLE} VALUES ('default_org_from', '${k}')`);
        ctx.logger.info(
          { migration: "0034", legacyOrgId: k },
          `0034: the legacy organization ${k} becomes the Default org ${DEFAULT_ORG_ID}`,
        );
      }

      await q(`ALTER TABLE organization_billing DROP CONSTRAINT organization_billing_org_id_fkey`);
      await q(`ALTER TABLE organization_usage_events DROP CONSTRAINT organization_usage_events_org_id_fkey`);
      await q(`ALTER TABLE organizations ALTER COLUMN org_id DROP IDENTITY`);
      // TYPE ... USING keeps each column in its place, so down restores the legacy column order too.
      await q(`ALTER TABLE organizations ALTER COLUMN org_id TYPE uuid USING ${INT_TO_UUID("org_id", k)}`);
      await q(`ALTER TABLE organizations ALTER COLUMN org_id SET DEFAULT gen_random_uuid()`);
      await q(`ALTER TABLE organization_billing ALTER COLUMN org_id TYPE uuid USING ${INT_TO_UUID("org_id", k)}`);
      await q(`ALTER TABLE organization_usage_events ALTER COLUMN org_id TYPE uuid USING ${INT_TO_UUID("org_id", k)}`);
      await q(`ALTER TABLE organization_billing ADD CONSTRAINT organization_billing_org_id_fkey
        FOREIGN KEY (org_id) REFERENCES organizations (org_id) ON DELETE CASCADE`);
      await q(`ALTER TABLE organization_usage_events ADD CONSTRAINT organization_usage_events_org_id_fkey
        FOREIGN KEY (org_id) REFERENCES organizations (org_id) ON DELETE CASCADE`);

      const [hadDefault] = await this.execute(`SELECT 1 FROM organizations WHERE org_id = '${DEFAULT_ORG_ID}'`);
      if (!hadDefault) {
        // 'default' may already name another org of the legacy install; the Default org then takes a free variant.
        await q(`INSERT INTO organizations (org_id, name, slug, status)
          SELECT '${DEFAULT_ORG_ID}', 'Default', s.slug, 'active'
          FROM (SELECT CASE WHEN n = 0 THEN 'default' ELSE 'default-' || n END AS slug, n FROM generate_series(0, 1000) n) s
          WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.slug = s.slug)
          ORDER BY s.n LIMIT 1`);
        await q(`INSERT INTO ${STATE_TABLE} VALUES ('created_default_org', 'true')`);
      }
      const [hadBilling] = await this.execute(`SELECT 1 FROM organization_billing WHERE org_id = '${DEFAULT_ORG_ID}'`);
      if (!hadBilling) {
        await q(`INSERT INTO organization_billing (org_id, plan, status, seats) VALUES ('${DEFAULT_ORG_ID}', 'free', 'active', 1)`);
        await q(`INSERT INTO ${STATE_TABLE} VALUES ('created_default_billing', 'true')`);
      }

      // Staff accounts did not exist in the single-company install (one shared admin login from the environment).
      await q(`CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
        password_hash text,
        name text,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
      await q(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
      await q(`CREATE TABLE memberships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL CONSTRAINT memberships_org_id_fkey REFERENCES organizations (org_id) ON DELETE RESTRICT,
        user_id uuid NOT NULL CONSTRAINT memberships_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'dispatcher', 'finance')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT memberships_org_id_user_id_key UNIQUE (org_id, user_id)
      )`);
      await q(`CREATE INDEX memberships_user_id_idx ON memberships (user_id)`);
    }

    override async down(): Promise<void> {
      const q = (sql: string) => this.execute(sql);
      // Everything this step would delete, asked for before any change: staff accounts have no place in the legacy
      // schema, and organizations created after 0034 have no legacy integer id (their billing and usage go with them).
      const unmappable = await this.execute(
        `SELECT org_id::text AS org_id, name FROM organizations WHERE NOT (${MAPPABLE("org_id")}) ORDER BY created_at`,
      );
      const [counts] = await this.execute(
        `SELECT (SELECT count(*) FROM organizations WHERE NOT (${MAPPABLE("org_id")}))::int AS organizations,
                (SELECT count(*) FROM organization_billing WHERE NOT (${MAPPABLE("org_id")}))::int AS organization_billing,
                (SELECT count(*) FROM organization_usage_events WHERE NOT (${MAPPABLE("org_id")}))::int AS organization_usage_events,
                (SELECT count(*) FROM users)::int AS users,
                (SELECT count(*) FROM memberships)::int AS memberships`,
      );
      const losses = ["organizations", "organization_billing", "organization_usage_events", "users", "memberships"].map((table) => ({
        table,
        rows: Number(counts?.[table] ?? 0),
      }));
      const orgNames = unmappable.map((o) => `${String(o.org_id)} (${String(o.name)})`).join(", ");
      guardDataLoss(
        ctx,
        "0034",
        losses,
        unmappable.length > 0
          ? `staff accounts and the organizations created after the migration, which have no legacy integer id: ${orgNames}`
          : "staff accounts (the legacy schema has no place for them)",
      );
      await q(`DROP TABLE memberships`);
      await q(`DROP TABLE users`);
      await q(`DELETE FROM organizations WHERE NOT (${MAPPABLE("org_id")})`);

      const state = await this.execute(`SELECT key, value FROM ${STATE_TABLE}`);
      const created = new Set(state.map((r) => String(r.key)));
      const k = Number(state.find((r) => r.key === "default_org_from")?.value ?? 1);
      if (created.has("created_default_billing")) {
        await q(`DELETE FROM organization_billing WHERE org_id = '${DEFAULT_ORG_ID}'`);
      }
      if (created.has("created_default_org")) {
        await q(`DELETE FROM organizations WHERE org_id = '${DEFAULT_ORG_ID}'`);
      }

      await q(`ALTER TABLE organization_billing DROP CONSTRAINT organization_billing_org_id_fkey`);
      await q(`ALTER TABLE organization_usage_events DROP CONSTRAINT organization_usage_events_org_id_fkey`);
      await q(`ALTER TABLE organizations ALTER COLUMN org_id DROP DEFAULT`);
      await q(`ALTER TABLE organizations ALTER COLUMN org_id TYPE integer USING ${UUID_TO_INT("org_id", k)}`);
      await q(`ALTER TABLE organization_billing ALTER COLUMN org_id TYPE integer USING ${UUID_TO_INT("org_id", k)}`);
      await q(`ALTER TABLE organization_usage_events ALTER COLUMN org_id TYPE integer USING ${UUID_TO_INT("org_id", k)}`);
      await q(`ALTER TABLE organizations ALTER COLUMN org_id ADD GENERATED BY DEFAULT AS IDENTITY`);
      await q(`SELECT setval(pg_get_serial_sequence('organizations', 'org_id'),
        coalesce((SELECT max(org_id) FROM organizations), 1), (SELECT count(*) > 0 FROM organizations))`);
      await q(`ALTER TABLE organization_billing ADD CONSTRAINT organization_billing_org_id_fkey
        FOREIGN KEY (org_id) REFERENCES organizations (org_id) ON DELETE CASCADE`);
      await q(`ALTER TABLE organization_usage_events ADD CONSTRAINT organization_usage_events_org_id_fkey
        FOREIGN KEY (org_id) REFERENCES organizations (org_id) ON DELETE CASCADE`);
      await q(`DROP TABLE ${STATE_TABLE}`);
    }
  };
}

import { randomUUID } from "node:crypto";
import {
  DatabaseSchema,
  ForeignKeyConstraintViolationException,
  MikroORM,
  SchemaComparator,
  type ForeignKey,
  type SchemaDifference,
} from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddonDefinition,
  AdminAuditLog,
  ALL_ENTITIES,
  Booking,
  BUSINESS_ENTITIES,
  ClientUser,
  Invoice,
  InvoiceItem,
  Membership,
  OrderAddon,
  Organization,
  OrganizationBilling,
  OrganizationUsageEvent,
  Team,
  TeamWorkingHours,
  User,
} from "../src/entities/index.ts";
import { ORG_SCOPED_REFERENCES as REFERENCES_0036 } from "../src/migrations/0036-org-scoped-references.ts";
import { M0042_ORG_SCOPED_REFERENCES } from "../src/migrations/0042-recurring-bookings-and-conversions.ts";
import { PLATFORM_FUNCTION_NAMES } from "../src/migrations/0052-platform-row-level-security.ts";

// The org-scoped references of 0036 and of the later migrations that add some in the same shape.
const ORG_SCOPED_REFERENCES = [...REFERENCES_0036, ...M0042_ORG_SCOPED_REFERENCES];
import { ormOptions } from "../src/orm/orm-config.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

type FkChange = { table: string; name: string; db: ForeignKey; entity: ForeignKey };

const bare = (table: string) => table.slice(table.lastIndexOf(".") + 1);
const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);
/** How PostgreSQL behaves, not how it is spelled: NO ACTION ≈ RESTRICT (and the default), SET NULL (col) names a column. */
const rule = (r: string | undefined) =>
  (r ?? "restrict")
    .toLowerCase()
    .replace(/"/g, "")
    .replace("no action", "restrict")
    .replace(/^set null \((\w+)\)$/, "set null [$1]");

/**
 * ALLOW-LIST: the only differences between the entities and the migrated database that the diff may report.
 *
 * 1. org-scoped foreign keys (migration 0036). The database references a parent by `(org_id, x_id) → parent
 *    (org_id, id)`; the entity relation is mapped on `x_id → parent (id)` because MikroORM 7.2.1 builds wrong queries
 *    for a composite key towards a single-column primary key (see `orgFk` in src/entities/base/org-scoped.ts). A change
 *    is accepted only if it is exactly that: same constraint name, same table, column and parent as a reference of
 *    0036, org_id prepended on both sides and nothing else, and the same ON DELETE (`SET NULL (x_id)` for `SET NULL`,
 *    the composite key's way of nulling the reference only). A wrong parent, column, delete rule, a missing relation
 *    or any other kind of difference still fails.
 */
const ALLOWED_ORG_SCOPED_FK = (c: FkChange): boolean => {
  const ref = ORG_SCOPED_REFERENCES.find((r) => r.table === c.table && c.entity.columnNames[0] === r.column);
  if (!ref) return false;
  const setNull = ref.onDelete === "SET NULL";
  return (
    c.db.constraintName === c.name &&
    c.entity.constraintName === c.name &&
    sameColumns(c.entity.columnNames, [ref.column]) &&
    sameColumns(c.db.columnNames, ["org_id", ref.column]) &&
    sameColumns(c.entity.referencedColumnNames, ["id"]) &&
    sameColumns(c.db.referencedColumnNames, ["org_id", "id"]) &&
    bare(c.entity.referencedTableName) === ref.parent &&
    bare(c.db.referencedTableName) === ref.parent &&
    rule(c.db.deleteRule) === (setNull ? `set null [${ref.column}]` : ref.onDelete.toLowerCase()) &&
    rule(c.entity.deleteRule) === (setNull ? "set null" : ref.onDelete.toLowerCase()) &&
    rule(c.db.updateRule) === rule(c.entity.updateRule) &&
    c.db.deferMode === c.entity.deferMode
  );
};

/**
 * Functions the migrations own that no entity maps: the cross-org lookups of 0039 and 0052 (SECURITY DEFINER
 * functions with a narrow grant, see docs/tenancy.md and docs/security.md). Only their removal is accepted; any other routine difference fails.
 */
const MIGRATION_OWNED_ROUTINES: readonly string[] = ["resolve_invoice_public_token", ...PLATFORM_FUNCTION_NAMES];

type SchemaCheck = { sql: string; accepted: FkChange[] };

/**
 * MikroORM's own comparison of the migrated database (from) with the entities (to), as `getUpdateSchemaSQL` does it,
 * minus the allow-listed changes; `sql` is what MikroORM would run to make the database match the entities.
 * `tweak` edits the entities' side first, to prove that differences are caught.
 */
async function checkSchema(orm: MikroORM, tweak?: (target: DatabaseSchema) => void): Promise<SchemaCheck> {
  const generator = orm.schema;
  const platform = orm.em.getPlatform();
  const connection = orm.em.getConnection();
  const { skipTables, skipViews } = orm.config.get("schemaGenerator");
  const target = generator.getTargetSchema();
  tweak?.(target);
  const namespaces = target.getNamespaces();
  const current = await DatabaseSchema.create(connection, platform, orm.config, undefined, namespaces, undefined, skipTables, skipViews);
  // Routines are not loaded by create(): without them a stray database function would go unnoticed.
  await current.loadRoutines(connection, platform, namespaces);

  const diff: SchemaDifference = new SchemaComparator(platform).compare(current, target);
  for (const key of Object.keys(diff.removedRoutines)) {
    if (MIGRATION_OWNED_ROUTINES.some((name) => key.includes(name))) delete diff.removedRoutines[key];
  }
  const accepted: FkChange[] = [];
  for (const [table, tableDiff] of Object.entries(diff.changedTables)) {
    const dbKeys = tableDiff.fromTable.getForeignKeys();
    for (const [name, entityKey] of Object.entries(tableDiff.changedForeignKeys)) {
      const dbKey = dbKeys[name];
      const change = dbKey && { table: bare(table), name, db: dbKey, entity: entityKey };
      if (change && ALLOWED_ORG_SCOPED_FK(change)) {
        accepted.push(change);
        delete tableDiff.changedForeignKeys[name];
      }
    }
  }
  return { sql: generator.diffToSQL(diff, { wrap: false, safe: false, dropTables: true }).trim(), accepted };
}

describe("entities against the migrated schema", () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase("head");
    orm = await MikroORM.init(ormOptions(db.url));
  });

  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it("maps every table the migrations create, and the 30 business tables with orgId and row-level security", () => {
    const metadata = [...orm.getMetadata().getAll().values()];
    expect(metadata.map((m) => m.tableName).sort()).toEqual(ALL_ENTITIES.map((e) => e.meta.tableName).sort());
    expect(new Set(metadata.map((m) => m.tableName)).size).toBe(40);
    const business = new Set<string>(BUSINESS_ENTITIES.map((e) => e.name));
    for (const meta of metadata.filter((m) => business.has(m.className))) {
      const orgId = meta.properties.orgId;
      expect(orgId?.fieldNames, meta.className).toEqual(["org_id"]);
      expect(orgId?.nullable, meta.className).toBeFalsy();
      expect(orgId?.columnTypes, meta.className).toEqual(["uuid"]);
      expect(meta.rowLevelSecurity, meta.className).toBe("force");
    }
    expect(BUSINESS_ENTITIES).toHaveLength(30);
  });

  it("has no schema difference with the database migrated to head, beyond the allow-list", async () => {
    const { sql, accepted } = await checkSchema(orm);
    expect(sql, `MikroORM would run this to make the database match the entities:\n${sql}`).toBe("");
    // Every org-scoped reference of 0036 is mapped by a relation, and the allow-list matches nothing else.
    expect(accepted.map((c) => `${c.table}.${c.entity.columnNames.join()}`).sort()).toEqual(
      ORG_SCOPED_REFERENCES.map((r) => `${r.table}.${r.column}`).sort(),
    );
    // MikroORM's public entry point agrees: all it would change are the allow-listed constraints.
    const allowed = new Set(accepted.map((c) => c.name));
    const statements = (await orm.schema.getUpdateSchemaSQL({ wrap: false })).split("\n").filter((l) => l.trim() !== "");
    const ownRoutine = (st: string) => MIGRATION_OWNED_ROUTINES.some((name) => st.startsWith(`drop function if exists "${name}"(`));
    expect(statements.filter((st) => !allowed.has(/ constraint "(\w+)"/.exec(st)?.[1] ?? "") && !ownRoutine(st))).toEqual([]);
  });

  it("declares the append-only triggers exactly as the database has them", async () => {
    // MikroORM compares a trigger given as raw DDL by name only, so its definition is compared here.
    const declared = [...orm.getMetadata().getAll().values()].flatMap((m) =>
      m.triggers.map((t) => ({ table: m.tableName, name: t.name, ddl: t.expression })),
    );
    const rows = await orm.em.getConnection().execute<{ table: string; name: string; ddl: string }[]>(
      `select c.relname as "table", t.tgname as name, pg_get_triggerdef(t.oid) as ddl
         from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where not t.tgisinternal and c.relnamespace = 'public'::regnamespace order by 1, 2`,
    );
    const normalize = (ddl: string | undefined) =>
      (ddl ?? "")
        .toLowerCase()
        .replace(/\bpublic\./g, "")
        .replace(/\s+/g, " ")
        .trim();
    expect(declared.map((t) => ({ ...t, ddl: normalize(t.ddl) })).sort((a, b) => a.table.localeCompare(b.table))).toEqual(
      rows.map((r) => ({ ...r, ddl: normalize(r.ddl) })),
    );
    expect(declared.map((t) => t.table).sort()).toEqual(["admin_audit_logs", "financial_adjustment_events"]);
  });

  describe("catches what the entities get wrong", () => {
    const caught = async (tweak: (target: DatabaseSchema) => void) => (await checkSchema(orm, tweak)).sql;
    const table = (target: DatabaseSchema, name: string) => {
      const t = target.getTable(name);
      if (!t) throw new Error(`no table ${name}`);
      return t;
    };

    it("a missing property", async () => {
      expect(await caught((s) => table(s, "bookings").removeColumn("notes"))).toMatch(/drop column "notes"/);
    });

    it("a wrong column type", async () => {
      const sql = await caught((s) => {
        const column = table(s, "bookings").getColumn("price_cents");
        if (!column) throw new Error("no bookings.price_cents");
        column.type = "bigint";
        column.mappedType = orm.em.getPlatform().getMappedType("bigint");
      });
      expect(sql).toMatch(/"price_cents" type bigint/);
    });

    it("a wrong delete rule on an org-scoped relation", async () => {
      const sql = await caught((s) => {
        const t = table(s, "bookings");
        const fks = t.getForeignKeys();
        const fk = fks.bookings_org_id_client_id_fkey;
        if (!fk) throw new Error("no bookings_org_id_client_id_fkey");
        t.setForeignKeys({ ...fks, bookings_org_id_client_id_fkey: { ...fk, deleteRule: "cascade" } });
      });
      expect(sql).toMatch(/bookings_org_id_client_id_fkey/);
    });

    it("a missing policy, check or trigger", async () => {
      const sql = await caught((s) => {
        table(s, "teams").setPolicies([]);
        table(s, "invoices").setChecks(
          table(s, "invoices")
            .getChecks()
            .filter((c) => c.name !== "invoices_total_check"),
        );
        table(s, "admin_audit_logs").setTriggers([]);
      });
      expect(sql).toMatch(/policy "tenant_isolation" on "teams"/);
      expect(sql).toMatch(/invoices_total_check/);
      expect(sql).toMatch(/admin_audit_logs_append_only/);
    });
  });

  describe("loads and persists", () => {
    const createOrg = async (name: string): Promise<string> => {
      const orgId = randomUUID();
      const slug = `${name.toLowerCase()}-${orgId.slice(0, 8)}`;
      await orm.em.getConnection().execute(`insert into organizations (org_id, name, slug) values (?, ?, ?)`, [orgId, name, slug]);
      return orgId;
    };

    it("a client and a booking, read back with populate", async () => {
      const orgId = await createOrg("Sparkle");
      const em = orm.em.fork();
      const client = em.create(ClientUser, { orgId, name: "Ada Lovelace", email: "ada@example.com" });
      const booking = em.create(Booking, {
        orgId,
        client,
        startsAt: new Date("2030-05-06T08:00:00Z"),
        durationMinutes: 180,
        address: "12 Analytical Street",
        priceCents: 12_000,
        currency: "EUR",
      });
      await em.flush();

      const read = orm.em.fork();
      const loaded = await read.findOneOrFail(Booking, booking.id, { populate: ["client"] });
      expect(loaded.orgId).toBe(orgId);
      expect(loaded.status).toBe("requested");
      expect(loaded.startsAt.toISOString()).toBe("2030-05-06T08:00:00.000Z");
      expect(loaded.createdAt).toBeInstanceOf(Date);
      expect(loaded.team).toBeNull();
      expect(loaded.client.id).toBe(client.id);
      expect(loaded.client.$.name).toBe("Ada Lovelace");
      expect(loaded.client.$.orgId).toBe(orgId);

      const byClient = await read.findOneOrFail(ClientUser, client.id, { populate: ["bookings"] });
      expect(byClient.bookings.getItems().map((b) => b.id)).toEqual([booking.id]);
      expect(await read.count(Booking, { client: client.id })).toBe(1);
    });

    it("the rest of a booking's graph: team hours, add-ons, invoice lines, audit log", async () => {
      const orgId = await createOrg("Shine");
      const em = orm.em.fork();
      const team = em.create(Team, { orgId, name: "North" });
      em.create(TeamWorkingHours, {
        orgId,
        team,
        weekday: 1,
        startsAtLocal: "08:00:00",
        endsAtLocal: "16:30:00",
        timezone: "Europe/Paris",
      });
      const client = em.create(ClientUser, { orgId, name: "Grace Hopper" });
      const fridge = em.create(AddonDefinition, { orgId, name: "Inside fridge", priceCents: 1_500, currency: "EUR", durationMinutes: 30 });
      const booking = em.create(Booking, {
        orgId,
        client,
        team,
        startsAt: new Date("2030-05-07T08:00:00Z"),
        durationMinutes: 120,
        address: "1 Compiler Road",
        priceCents: 9_000,
        currency: "EUR",
      });
      em.create(OrderAddon, { orgId, booking, addon: fridge, quantity: 2, unitPriceCents: 1_500 });
      const invoice = em.create(Invoice, {
        orgId,
        number: "INV-1",
        client,
        booking,
        currency: "EUR",
        subtotalCents: 12_000,
        totalCents: 12_000,
      });
      em.create(InvoiceItem, { orgId, invoice, description: "Add-ons", unitPriceCents: 3_000, position: 1 });
      em.create(InvoiceItem, { orgId, invoice, description: "Cleaning", unitPriceCents: 9_000, position: 0 });
      // The booking's id is known before the flush (generated at em.create), so the log can point at it.
      em.create(AdminAuditLog, {
        orgId,
        action: "booking.created",
        entityType: "booking",
        entityId: booking.id,
        ip: "203.0.113.7",
        changes: { after: { status: "requested" } },
      });
      await em.flush();

      const read = orm.em.fork();
      const loadedTeam = await read.findOneOrFail(Team, team.id, { populate: ["workingHours"] });
      const hours = loadedTeam.workingHours.getItems().map((h) => [h.weekday, h.startsAtLocal, h.endsAtLocal]);
      expect(hours).toEqual([[1, "08:00:00", "16:30:00"]]);
      const loadedBooking = await read.findOneOrFail(Booking, booking.id, { populate: ["team", "addons.addon"] });
      expect(loadedBooking.team?.$.name).toBe("North");
      expect(loadedBooking.addons.getItems().map((a) => [a.addon.unwrap().name, a.quantity])).toEqual([["Inside fridge", 2]]);
      const loadedInvoice = await read.findOneOrFail(Invoice, invoice.id, { populate: ["items", "booking"] });
      expect(loadedInvoice.items.getItems().map((i) => i.description)).toEqual(["Cleaning", "Add-ons"]);
      expect(loadedInvoice.booking?.id).toBe(booking.id);
      const log = await read.findOneOrFail(AdminAuditLog, { orgId, entityId: booking.id });
      expect([log.ip, log.changes]).toEqual(["203.0.113.7", { after: { status: "requested" } }]);
    });

    it("an organization with its billing, usage and a member (platform tables)", async () => {
      const em = orm.em.fork();
      const org = em.create(Organization, { name: "Polish", slug: `polish-${randomUUID().slice(0, 8)}` });
      em.create(OrganizationBilling, { organization: org, seats: 3 });
      em.create(OrganizationUsageEvent, { organization: org, kind: "booking_created" });
      const user = em.create(User, { email: `owner-${randomUUID().slice(0, 8)}@example.com`, name: "Olive" });
      em.create(Membership, { organization: org, user, role: "owner" });
      await em.flush();

      const read = orm.em.fork();
      const billing = await read.findOneOrFail(OrganizationBilling, { organization: org.orgId });
      expect([billing.plan, billing.status, billing.seats]).toEqual(["free", "active", 3]);
      const loaded = await read.findOneOrFail(Organization, org.orgId, { populate: ["memberships.user"] });
      expect(loaded.status).toBe("active");
      expect(loaded.memberships.getItems().map((m) => [m.role, m.user.unwrap().name])).toEqual([["owner", "Olive"]]);
      expect(await read.count(OrganizationUsageEvent, { organization: org.orgId })).toBe(1);
    });

    it("the database refuses a reference to another org's row, though the relation is mapped on the id alone", async () => {
      const mine = await createOrg("Gleam");
      const theirs = await createOrg("Glint");
      const em = orm.em.fork();
      const theirClient = em.create(ClientUser, { orgId: theirs, name: "Not yours" });
      await em.flush();
      em.create(Booking, {
        orgId: mine,
        client: theirClient,
        startsAt: new Date("2030-05-08T08:00:00Z"),
        durationMinutes: 60,
        address: "Nowhere",
        priceCents: 1,
        currency: "EUR",
      });
      await expect(em.flush()).rejects.toThrow(ForeignKeyConstraintViolationException);
    });
  });
});

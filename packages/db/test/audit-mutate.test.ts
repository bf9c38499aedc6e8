import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffViews, mutate } from "../src/audit/mutate.ts";
import { ClientUser } from "../src/entities/index.ts";
import { ormOptions } from "../src/orm/orm-config.ts";
import { tenantOrmOptions } from "../src/tenancy/tenant-orm.ts";
import { orgEntityManager } from "../src/tenancy/with-org.ts";
import { asAppRole, createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const ORG = "5a1e9c3d-2b4f-4e6a-8c0d-1f2e3a4b5c6d";
const actor = { userId: null, ip: "192.0.2.7", requestId: "req-1" };

let db: TestDatabase;
let owner: pg.Client;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase("head");
  owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, 'Audited', 'audited')`, [ORG]);
  orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 2 } })));
});
afterAll(async () => {
  await orm.close(true);
  await owner.end();
  await db.drop();
});

const count = async (table: string) =>
  (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [ORG])).rows[0]?.n;

describe("mutate", () => {
  it("commits the change and its audit row together, with the actor, IP and request id", async () => {
    await mutate(orgEntityManager(orm, ORG), actor, (tx, audit) => {
      const c = tx.create(ClientUser, { name: "Audited client" });
      audit.created("client", c.id, { name: c.name });
      return Promise.resolve(c);
    });
    const rows = await owner.query(`SELECT action, host(ip) AS ip, request_id, changes FROM admin_audit_logs WHERE org_id = $1`, [ORG]);
    expect(rows.rows).toEqual([
      { action: "client.created", ip: "192.0.2.7", request_id: "req-1", changes: { after: { name: "Audited client" } } },
    ]);
  });

  it("refuses a change that records no audit entry, and writes nothing", async () => {
    const before = [await count("client_users"), await count("admin_audit_logs")];
    await expect(
      mutate(orgEntityManager(orm, ORG), actor, (tx) => Promise.resolve(tx.create(ClientUser, { name: "Sneaky" }))),
    ).rejects.toThrow("without an audit entry");
    expect([await count("client_users"), await count("admin_audit_logs")]).toEqual(before);
  });

  it("rolls the audit row back with a change that fails", async () => {
    const before = await count("admin_audit_logs");
    await expect(
      mutate(orgEntityManager(orm, ORG), actor, (tx, audit) => {
        audit.record({ action: "client.created", entityType: "client", entityId: null });
        tx.create(ClientUser, { name: "  " });
        return Promise.resolve();
      }),
    ).rejects.toThrow();
    expect(await count("admin_audit_logs")).toBe(before);
  });

  it("lets each audit entry vouch for one flush: a second change flushed with no new entry is refused, and nothing is kept", async () => {
    const before = [await count("client_users"), await count("admin_audit_logs")];
    await expect(
      mutate(orgEntityManager(orm, ORG), actor, async (tx, audit) => {
        const first = tx.create(ClientUser, { name: "First" });
        audit.created("client", first.id, { name: first.name });
        await tx.flush();
        await tx.flush(); // an empty flush does not use up an entry
        tx.create(ClientUser, { name: "Second, unrecorded" });
        await tx.flush();
      }),
    ).rejects.toThrow("without an audit entry");
    expect([await count("client_users"), await count("admin_audit_logs")]).toEqual(before);
    const ok = await mutate(orgEntityManager(orm, ORG), actor, async (tx, audit) => {
      const a = tx.create(ClientUser, { name: "Flushed early" });
      audit.created("client", a.id, { name: a.name });
      await tx.flush();
      const b = tx.create(ClientUser, { name: "Flushed last" });
      audit.created("client", b.id, { name: b.name });
      return [a.id, b.id];
    });
    const rows = await owner.query<{ entity_id: string }>(
      `SELECT entity_id FROM admin_audit_logs WHERE org_id = $1 AND entity_id = ANY($2)`,
      [ORG, ok],
    );
    expect(rows.rows.map((r) => r.entity_id).sort()).toEqual([...ok].sort());
  });

  it("refuses to write audit rows without an org (fail closed)", async () => {
    const before = await count("admin_audit_logs");
    await expect(
      mutate(orm.em.fork(), actor, (_tx, audit) => {
        audit.record({ action: "client.created", entityType: "client", entityId: null });
        return Promise.resolve();
      }),
    ).rejects.toThrow(/org/);
    expect(await count("admin_audit_logs")).toBe(before);
  });

  it("records only the fields that changed", () => {
    expect(diffViews({ a: 1, b: "x", c: null }, { a: 1, b: "y", c: null })).toEqual({ before: { b: "x" }, after: { b: "y" } });
    expect(diffViews({ a: 1 }, { a: 1 })).toBeUndefined();
  });
});

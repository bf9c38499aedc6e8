import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ormOptions } from "../src/orm/orm-config.ts";
import {
  createInvoiceSequence,
  createOrganization,
  emSqlRunner,
  PlatformInputError,
  withTransaction,
} from "../src/platform/platform-admin.ts";
import { tenantOrmOptions } from "../src/tenancy/tenant-orm.ts";
import { withOrg } from "../src/tenancy/with-org.ts";
import { asAppRole, createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const A = "2b6f0c1e-3d4a-4e5f-8a9b-0c1d2e3f4a5b";
const B = "7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f";

describe("createOrganization: the one way an org is made", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 1 } })));
  });
  afterAll(async () => {
    await orm.close(true);
    await owner.end();
    await db.drop();
  });

  async function stateOf(orgId: string) {
    const r = await owner.query<{ plan: string; seats: number; prefix: string; next_value: number }>(
      `SELECT b.plan, b.seats, s.prefix, s.next_value FROM organizations o
         JOIN organization_billing b ON b.org_id = o.org_id JOIN invoice_number_sequences s ON s.org_id = o.org_id
        WHERE o.org_id = $1`,
      [orgId],
    );
    return r.rows;
  }

  it("gives the same org, billing stub and invoice numbering on a pg client (owner) and in withOrg (app role)", async () => {
    await withTransaction(owner, () => createOrganization(owner, { id: A, name: "Via Client", slug: "via-client" }));
    const viaEm = await withOrg(orm, B, (em) => createOrganization(emSqlRunner(em), { id: B, name: "Via ORM", slug: "via-orm" }));
    expect(viaEm).toMatchObject({ orgId: B, name: "Via ORM", slug: "via-orm", status: "active" });
    const expected = [{ plan: "free", seats: 1, prefix: "INV", next_value: 1 }];
    expect(await stateOf(A)).toEqual(expected);
    expect(await stateOf(B)).toEqual(expected);
  });

  const NEW_ORG = "0f1e2d3c-4b5a-4968-8776-655443322110";
  it("refuses a taken slug on either path, and adds a missing invoice numbering only once", async () => {
    await expect(
      // As the app role the new org's id is the transaction's org (0052): it sees no other org, the unique key refuses.
      withOrg(orm, NEW_ORG, (em) => createOrganization(emSqlRunner(em), { id: NEW_ORG, name: "x", slug: "via-client" })),
    ).rejects.toThrow(PlatformInputError);
    await createInvoiceSequence(owner, A);
    expect(await stateOf(A)).toHaveLength(1);
  });
});

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asAppRole, createTestDatabase, type TestDatabase } from "../src/testing/index.ts";
import { AUDITED_TABLES, auditStatements, UNSCOPED_ON_PURPOSE } from "../src/testing/sql-audit.ts";
import { checkRecording, recording } from "../src/testing/sql-recorder.ts";

async function findingsOf(sql: string): Promise<string[]> {
  const { findings } = await auditStatements([{ sql, test: "t" }]);
  return findings.map((f) => f.reason);
}

describe("SQL audit", () => {
  it("takes its tables from the business entities' metadata", () => {
    expect(AUDITED_TABLES.size).toBe(30);
    expect(AUDITED_TABLES.has("bookings")).toBe(true);
    expect(AUDITED_TABLES.has("organizations")).toBe(false);
  });

  it.each([
    ["an unscoped select", `select * from bookings where status = 'x'`],
    ["an unscoped update", `update "bookings" set status = 'x' where status = 'y'`],
    ["an unscoped delete", `delete from "leads" where created_at < now()`],
    ["an insert without org_id", `insert into "teams" ("name") values ($1)`],
    ["a join scoped on one table only", `select * from bookings b join client_users c on c.id = b.client_id where b.org_id = $1`],
    ["a left join scoped on the other table only", `select * from bookings b left join teams t on t.id = b.team_id and t.org_id = $1`],
    [
      "a subquery reaching another tenant table",
      `select * from bookings b where b.org_id = $1 and b.client_id in (select id from client_users)`,
    ],
    ["a subquery in FROM", `select * from (select id from invoices) i`],
    [
      "a CTE reaching another tenant table",
      `with x as (select id from invoices) select * from bookings b join x on x.id = b.id where b.org_id = $1`,
    ],
    ["a CTE feeding an update", `with x as (select id from teams) update "bookings" set status = 'x' where team_id in (select id from x)`],
    ["org_id only in an OR branch", `select * from bookings where org_id = $1 or true`],
    ["an unqualified org_id with two tables in scope", `select * from bookings b join teams t on t.id = b.team_id where org_id = $1`],
    ["org_id compared to a column that is not scoped", `select * from bookings b join teams t on t.org_id = b.org_id`],
    ["a union with one unscoped branch", `select id from bookings where org_id = $1 union select id from teams`],
    ["a schema-qualified table", `select * from "public"."invoices"`],
    ["a write by id that joins another table", `update bookings b set status = 'x' from teams t where b.id = t.id`],
    ["unparseable SQL", `select * from bookings where`],
    ["a statement form the audit does not model (MERGE)", `merge into bookings b using teams t on t.org_id = $1 when matched then delete`],
    ["a TRUNCATE", `truncate bookings`],
  ])("reports %s", async (_label, sql) => {
    expect(await findingsOf(sql)).toHaveLength(1);
  });

  it.each([
    ["a scoped select", `select * from "bookings" as "b0" where "b0"."org_id" = $1 and "b0"."status" = $2`],
    ["org_id IN a list", `select * from bookings where org_id in ($1, $2)`],
    ["org_id = ANY", `select * from bookings where org_id = any($1::uuid[])`],
    ["a value on the left", `select * from bookings where $1 = org_id`],
    [
      "both sides of a join scoped",
      `select * from bookings b join client_users c on c.id = b.client_id and c.org_id = $1 where b.org_id = $1`,
    ],
    [
      "a join scoped through org_id equality",
      `select * from bookings b join teams t on t.org_id = b.org_id and t.id = b.team_id where b.org_id = $1`,
    ],
    [
      "a scoped subquery",
      `select * from bookings b where b.org_id = $1 and b.client_id in (select id from client_users where org_id = $1)`,
    ],
    [
      "a correlated subquery scoped through the outer row",
      `select * from bookings b where b.org_id = $1 and exists (select 1 from teams t where t.org_id = b.org_id)`,
    ],
    ["a scoped CTE", `with x as (select id from invoices where org_id = $1) select * from x`],
    ["an insert with org_id", `insert into "teams" ("name", "org_id") values ($1, $2) returning "id"`],
    ["a unit-of-work update by primary key", `update "bookings" set "status" = $1 where "id" = $2`],
    ["a unit-of-work batch delete by primary key", `delete from "bookings" where "id" in ($1, $2)`],
    ["a statement on platform tables", `select * from organizations where slug = $1`],
    ["a CTE that shadows a tenant table's name", `with bookings as (select 1 as id) select * from bookings`],
    ["the on-purpose marker", `${UNSCOPED_ON_PURPOSE} select * from bookings`],
    ["a session setting", `select set_config('app.current_org', $1, true)`],
  ])("accepts %s", async (_label, sql) => {
    expect(await findingsOf(sql)).toEqual([]);
  });

  it("names the reference that lacks the predicate", async () => {
    expect(await findingsOf(`select * from bookings b join client_users c on c.id = b.client_id where b.org_id = $1`)).toEqual([
      "client_users as c has no org_id predicate",
    ]);
  });
});

describe("SQL recorder", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("head");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("counts the connections made as the application role", async () => {
    const before = recording.appRoleConnections;
    const app = new pg.Client({ connectionString: asAppRole(db.url) });
    await app.connect();
    await app.query(`select set_config('app.current_org', $1, true)`, ["00000000-0000-0000-0000-000000000001"]);
    await app.end();
    expect(recording.appRoleConnections).toBe(before + 1);
    expect(recording.statements.at(-1)?.sql).toContain("set_config");
  });

  it("fails a file that connected as the application role but recorded nothing", async () => {
    await expect(checkRecording({ statements: [], appRoleConnections: 1 })).rejects.toThrow(/no statement was recorded/);
    await expect(checkRecording({ statements: [], appRoleConnections: 0 })).resolves.toBeUndefined();
  });

  it("fails a file with an unscoped statement", async () => {
    await expect(checkRecording({ statements: [{ sql: "select * from bookings", test: "t" }], appRoleConnections: 1 })).rejects.toThrow(
      /bookings has no org_id predicate/,
    );
  });
});

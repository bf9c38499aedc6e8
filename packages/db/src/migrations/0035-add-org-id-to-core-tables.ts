import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import { onlineMigration, type OnlineDdl } from "./online-ddl.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import { APPEND_ONLY_TABLES, DEFAULT_ORG_ID, TENANT_TABLES, orgIndexesFor, type OrgIndex, type TenantTable } from "./tenant-tables.ts";

const checkName = (t: TenantTable) => `${t.name}_org_id_not_null`;
const fkName = (t: TenantTable) => `${t.name}_org_id_fkey`;

type ColumnState = { exists: boolean; notNull: boolean; hasDefault: boolean };

async function columnState(ddl: OnlineDdl, table: string): Promise<ColumnState> {
  const rows = await ddl.query<{ attnotnull: boolean; atthasdef: boolean }>(
    `SELECT attnotnull, atthasdef FROM pg_attribute
      WHERE attrelid = $1::regclass AND attname = 'org_id' AND NOT attisdropped`,
    [table],
  );
  const r = rows[0];
  return r ? { exists: true, notNull: r.attnotnull, hasDefault: r.atthasdef } : { exists: false, notNull: false, hasDefault: false };
}

async function timed(ctx: MigrationContext, stage: string, table: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await work();
  ctx.logger.info({ migration: "0035", stage, table, ms: Math.round(performance.now() - started) }, `0035 ${stage}: ${table}`);
}

async function up(ddl: OnlineDdl, ctx: MigrationContext): Promise<void> {
  const defaultOrg = await ddl.query(`SELECT 1 FROM organizations WHERE org_id = $1`, [DEFAULT_ORG_ID]);
  if (defaultOrg.length === 0) throw new Error(`0035: the Default org ${DEFAULT_ORG_ID} is missing; run 0034 first`);

  // Stage 1+2+3: add the column with a constant default (metadata only since PostgreSQL 11: existing rows read the
  // Default org without being rewritten), guard it with a NOT VALID check that binds new rows at once, then drop the
  // default so nothing written later can fall back to the Default org. One short ACCESS EXCLUSIVE lock per table.
  for (const t of TENANT_TABLES) {
    await timed(ctx, "add column, backfill, drop default", t.name, async () => {
      const col = await columnState(ddl, t.name);
      if (!col.exists) {
        await ddl.run(`${t.name}: add org_id`, [
          `ALTER TABLE ${t.name} ADD COLUMN org_id uuid DEFAULT '${DEFAULT_ORG_ID}'`,
          `ALTER TABLE ${t.name} ADD CONSTRAINT ${checkName(t)} CHECK (org_id IS NOT NULL) NOT VALID`,
          `ALTER TABLE ${t.name} ALTER COLUMN org_id DROP DEFAULT`,
        ]);
      } else if (col.hasDefault) {
        await ddl.run(`${t.name}: drop org_id default`, [`ALTER TABLE ${t.name} ALTER COLUMN org_id DROP DEFAULT`]);
      }
    });
  }

  // Stage 4: NOT NULL. Validating the check scans under SHARE UPDATE EXCLUSIVE (reads and writes go on); SET NOT NULL
  // then trusts the validated check and skips its own full scan under ACCESS EXCLUSIVE.
  for (const t of TENANT_TABLES) {
    await timed(ctx, "not null", t.name, async () => {
      const col = await columnState(ddl, t.name);
      const check = await ddl.constraintState(t.name, checkName(t));
      if (!col.notNull) {
        if (check === "missing") {
          await ddl.run(`${t.name}: add not-null check`, [
            `ALTER TABLE ${t.name} ADD CONSTRAINT ${checkName(t)} CHECK (org_id IS NOT NULL) NOT VALID`,
          ]);
        }
        if (check !== "valid") {
          await ddl.run(`${t.name}: validate not-null check`, [`ALTER TABLE ${t.name} VALIDATE CONSTRAINT ${checkName(t)}`], {
            transaction: false,
          });
        }
        await ddl.run(`${t.name}: set not null`, [
          `ALTER TABLE ${t.name} ALTER COLUMN org_id SET NOT NULL`,
          `ALTER TABLE ${t.name} DROP CONSTRAINT ${checkName(t)}`,
        ]);
      } else if (check !== "missing") {
        await ddl.run(`${t.name}: drop not-null check`, [`ALTER TABLE ${t.name} DROP CONSTRAINT ${checkName(t)}`]);
      }
    });
  }

  // Stage 5: the foreign key, NOT VALID first (brief lock), validated after without blocking writes. No cascade:
  // deleting an organization must never silently delete its business data.
  for (const t of TENANT_TABLES) {
    await timed(ctx, "foreign key", t.name, async () => {
      const fk = await ddl.constraintState(t.name, fkName(t));
      if (fk === "missing") {
        await ddl.run(`${t.name}: add org_id foreign key`, [
          `ALTER TABLE ${t.name} ADD CONSTRAINT ${fkName(t)} FOREIGN KEY (org_id) REFERENCES organizations (org_id) ON DELETE RESTRICT NOT VALID`,
        ]);
      }
      if (fk !== "valid") {
        await ddl.run(`${t.name}: validate org_id foreign key`, [`ALTER TABLE ${t.name} VALIDATE CONSTRAINT ${fkName(t)}`], {
          transaction: false,
        });
      }
    });
  }

  // Stage 6: indexes, built CONCURRENTLY (outside any transaction); install-wide unique keys become unique per org.
  for (const t of TENANT_TABLES) {
    for (const idx of orgIndexesFor(t)) {
      await timed(ctx, `index ${idx.name}`, t.name, async () => {
        await ddl.ensureIndexConcurrently(t.name, idx.name, idx.columns, idx.unique);
        if (idx.replaces) await swapUniqueConstraint(ddl, t.name, idx.name, idx.replaces);
      });
    }
  }
}

/** Makes `indexName` the table's unique constraint and drops `oldConstraint`, in one short transaction. */
async function swapUniqueConstraint(ddl: OnlineDdl, table: string, indexName: string, oldConstraint: string): Promise<void> {
  const statements: string[] = [];
  if ((await ddl.constraintState(table, indexName)) === "missing") {
    statements.push(`ALTER TABLE ${table} ADD CONSTRAINT ${indexName} UNIQUE USING INDEX ${indexName}`);
  }
  if ((await ddl.constraintState(table, oldConstraint)) !== "missing") {
    statements.push(`ALTER TABLE ${table} DROP CONSTRAINT ${oldConstraint}`);
  }
  if (statements.length > 0) await ddl.run(`${table}: swap unique ${oldConstraint} -> ${indexName}`, statements);
}

async function rowsOutsideDefault(ddl: OnlineDdl): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = [];
  for (const t of TENANT_TABLES) {
    if (!(await columnState(ddl, t.name)).exists) continue;
    const [r] = await ddl.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name} WHERE org_id <> $1`, [DEFAULT_ORG_ID]);
    if (r && r.n > 0) found.push({ table: t.name, rows: r.n });
  }
  return found;
}

async function down(ddl: OnlineDdl, ctx: MigrationContext): Promise<void> {
  const foreign = await rowsOutsideDefault(ddl);
  if (foreign.length > 0) {
    // The legacy schema has no org_id: only the Default org's rows have a place in it.
    guardDataLoss(ctx, "0035", foreign, "the rows of organizations other than Default");
    const children = [...TENANT_TABLES].reverse();
    await ddl.run("delete non-Default org rows", [
      ...APPEND_ONLY_TABLES.map((t) => `ALTER TABLE ${t} DISABLE TRIGGER ${t}_append_only`),
      ...children.map((t) => `DELETE FROM ${t.name} WHERE org_id <> '${DEFAULT_ORG_ID}'`),
      ...APPEND_ONLY_TABLES.map((t) => `ALTER TABLE ${t} ENABLE TRIGGER ${t}_append_only`),
    ]);
  }

  // The install-wide unique keys come back before org_id goes (dropping the column drops the per-org ones with it).
  for (const t of [...TENANT_TABLES].reverse()) {
    for (const idx of orgIndexesFor(t).filter((i): i is OrgIndex & { replaces: string } => i.replaces !== undefined)) {
      await timed(ctx, `restore unique ${idx.replaces}`, t.name, async () => {
        if ((await ddl.constraintState(t.name, idx.replaces)) === "missing") {
          await ddl.ensureIndexConcurrently(t.name, idx.replaces, idx.columns.slice(1), true);
          await ddl.run(`${t.name}: restore ${idx.replaces}`, [
            `ALTER TABLE ${t.name} ADD CONSTRAINT ${idx.replaces} UNIQUE USING INDEX ${idx.replaces}`,
          ]);
        }
      });
    }
  }
  for (const t of [...TENANT_TABLES].reverse()) {
    await timed(ctx, "drop column", t.name, async () => {
      await ddl.run(`${t.name}: drop org_id`, [`ALTER TABLE ${t.name} DROP COLUMN IF EXISTS org_id`]);
    });
  }
}

export function createM0035(ctx: MigrationContext): SqlMigrationClass {
  return onlineMigration(ctx, { up, down });
}

import pg from "pg";
import { afterAll, expect } from "vitest";
import { APP_ROLE } from "../tenancy/database-roles.ts";
import { auditStatements, type RecordedStatement } from "./sql-audit.ts";

/**
 * A vitest setup file (it runs in every test file of the packages that test against PostgreSQL): each statement a
 * test sends as the application role is recorded, and after the file's tests the audit fails the file if any of them
 * touched a tenant table without an org_id predicate. Statements of other roles (owner, superuser) are not recorded.
 */
const recorded: RecordedStatement[] = [];
type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with apply() below
const original = pg.Client.prototype.query as unknown as QueryFn;

function statementText(arg: unknown): string | undefined {
  if (typeof arg === "string") return arg;
  if (arg && typeof arg === "object" && "text" in arg && typeof arg.text === "string") return arg.text;
  return undefined;
}

(pg.Client.prototype as unknown as { query: QueryFn }).query = function (this: pg.Client, ...args: unknown[]) {
  if (this.user === APP_ROLE) {
    const sql = statementText(args[0]);
    if (sql !== undefined) recorded.push({ sql, test: expect.getState().currentTestName ?? "(hook)" });
  }
  return original.apply(this, args);
};

afterAll(() => {
  const { checked, findings } = auditStatements(recorded);
  if (findings.length > 0) {
    const list = findings.map((f) => `  - [${f.test}] ${f.sql.slice(0, 300)}`).join("\n");
    throw new Error(
      `SQL audit: ${findings.length} of ${checked} statements sent as ${APP_ROLE} touch a tenant table without an org_id predicate:\n${list}`,
    );
  }
});

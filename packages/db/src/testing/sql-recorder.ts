import pg from "pg";
import { afterAll, expect } from "vitest";
import { APP_ROLE } from "../tenancy/database-roles.ts";
import { auditStatements, type RecordedStatement } from "./sql-audit.ts";

/**
 * A vitest setup file (it runs in every test file of the packages that test against PostgreSQL): each statement a
 * test sends as the application role is recorded, and after the file's tests the audit fails the file if any of them
 * touched a tenant table without an org_id predicate. Statements of other roles (owner, superuser) are not recorded.
 *
 * Connections are counted too: a file that logged in as the application role but recorded no statement means the
 * recorder missed its traffic (another client library, a bypassed `query`), and an audit of nothing must not pass.
 */
export const recording: { statements: RecordedStatement[]; appRoleConnections: number } = { statements: [], appRoleConnections: 0 };

type ClientMethod = (this: pg.Client, ...args: unknown[]) => unknown;
const prototype = pg.Client.prototype as unknown as { query: ClientMethod; connect: ClientMethod };
const originalQuery = prototype.query;
const originalConnect = prototype.connect;

function statementText(arg: unknown): string | undefined {
  if (typeof arg === "string") return arg;
  if (arg && typeof arg === "object" && "text" in arg && typeof arg.text === "string") return arg.text;
  return undefined;
}

prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (this.user === APP_ROLE) {
    const sql = statementText(args[0]);
    if (sql !== undefined) recording.statements.push({ sql, test: expect.getState().currentTestName ?? "(hook)" });
  }
  return originalQuery.apply(this, args);
};

prototype.connect = function (this: pg.Client, ...args: unknown[]) {
  if (this.user === APP_ROLE) recording.appRoleConnections++;
  return originalConnect.apply(this, args);
};

/** Throws when the file's recording is empty although it connected as the application role, or has findings. */
export async function checkRecording(state: typeof recording): Promise<void> {
  if (state.appRoleConnections > 0 && state.statements.length === 0) {
    throw new Error(
      `SQL audit: ${state.appRoleConnections} connection(s) as ${APP_ROLE} were opened but no statement was recorded: the audit saw nothing`,
    );
  }
  const { checked, findings } = await auditStatements(state.statements);
  if (findings.length > 0) {
    const list = findings.map((f) => `  - [${f.test}] ${f.reason}: ${f.sql.slice(0, 300)}`).join("\n");
    throw new Error(
      `SQL audit: ${findings.length} of ${checked} statements sent as ${APP_ROLE} touch a tenant table without an org_id predicate:\n${list}`,
    );
  }
}

afterAll(() => checkRecording(recording));

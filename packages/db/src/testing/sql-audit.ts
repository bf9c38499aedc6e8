import { loadModule, parseSync } from "libpg-query";
import { BUSINESS_ENTITIES } from "../entities/index.ts";

/** A comment a test puts in a statement it sends unscoped on purpose, to show the database refuses it. */
export const UNSCOPED_ON_PURPOSE = "/* tenant-audit: unscoped on purpose */";

/**
 * The tenant tables, read from the entity metadata so that a business entity added later is audited without anyone
 * editing a list here.
 */
export const AUDITED_TABLES: ReadonlySet<string> = new Set(BUSINESS_ENTITIES.map((entity) => entity.meta.tableName));

type Node = Record<string, unknown>;

/** One statement's shape as the audit sees it, for the allow-list. */
export type AuditedWrite = { kind: "update" | "delete"; table: string; byPrimaryKey: boolean; joinsOtherTables: boolean };

/**
 * The short list of statements on tenant tables that may lack an org_id predicate, and why. It exempts only the
 * statement's target: tables its subqueries reach are still audited. Anything else sent as the application role
 * without org_id fails the test run.
 */
export const SQL_AUDIT_ALLOW: readonly { allows: (write: AuditedWrite) => boolean; why: string }[] = [
  {
    allows: (w) => w.byPrimaryKey && !w.joinsOtherTables,
    why: "unit-of-work writes by primary key of entities the TenantGuard checked were loaded in this org (RLS re-checks)",
  },
];

export type RecordedStatement = { sql: string; test: string };
export type AuditFinding = RecordedStatement & { reason: string };

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const child = (node: Node, key: string): Node | undefined => (isNode(node[key]) ? node[key] : undefined);
const children = (node: Node, key: string): Node[] => (Array.isArray(node[key]) ? node[key].filter(isNode) : []);
const text = (node: Node, key: string): string | undefined => (typeof node[key] === "string" ? node[key] : undefined);

/** A table (or CTE, or subquery) named in one query level, by the name its columns are qualified with. */
type Reference = { table: string | undefined; name: string; tenant: boolean; scoped: boolean; exempt: boolean };

/** One SELECT/INSERT/UPDATE/DELETE: the names in its FROM (and target), and the query levels around it. */
type Level = { refs: Reference[]; outer: Level | undefined; ctes: ReadonlySet<string>; seen: Set<Node> };

const STATEMENTS = ["SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt"] as const;

/** A column reference's parts, e.g. `b.org_id` → ["b", "org_id"]; undefined for `*` or anything but a column. */
function columnParts(expr: Node | undefined): string[] | undefined {
  const ref = expr && child(expr, "ColumnRef");
  if (!ref) return undefined;
  const parts = children(ref, "fields").map((f) => (child(f, "String") ? text(child(f, "String") as Node, "sval") : undefined));
  return parts.every((p): p is string => p !== undefined) ? parts : undefined;
}

/** Whether an expression mentions no column at all (a parameter, a literal, a function of those, a subquery). */
function isValue(expr: Node | undefined): boolean {
  if (!expr) return false;
  let columnFree = true;
  const visit = (value: unknown): void => {
    if (!columnFree) return;
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    if ("ColumnRef" in value) columnFree = false;
    // A subquery is a value here (its own tables are audited at its own level).
    else if (!("SubLink" in value)) Object.values(value).forEach(visit);
  };
  visit(expr);
  return columnFree;
}

/** The top-level AND-ed conditions of a WHERE or ON: only these restrict every row (an OR branch does not). */
function conjuncts(expr: Node | undefined): Node[] {
  if (!expr) return [];
  const bool = child(expr, "BoolExpr");
  if (bool && text(bool, "boolop") === "AND_EXPR") return children(bool, "args").flatMap(conjuncts);
  return [expr];
}

/** A condition on org_id: `org_id = v` (either side), `org_id IN (…)`, `org_id = ANY(…)`, or `a.org_id = b.org_id`. */
type OrgCondition = { column: string[]; equals: "value" | string[] };

function orgCondition(expr: Node): OrgCondition | undefined {
  const a = child(expr, "A_Expr");
  if (!a) return undefined;
  const op = children(a, "name").map((n) => (child(n, "String") ? text(child(n, "String") as Node, "sval") : undefined))[0];
  if (op !== "=") return undefined;
  const kind = text(a, "kind");
  const left = child(a, "lexpr");
  const right = child(a, "rexpr");
  const leftColumn = columnParts(left);
  const rightColumn = columnParts(right);
  const isOrg = (parts: string[] | undefined): parts is string[] => parts?.at(-1) === "org_id";
  if (kind === "AEXPR_IN" || kind === "AEXPR_OP_ANY") {
    return isOrg(leftColumn) && isValue(right) ? { column: leftColumn, equals: "value" } : undefined;
  }
  if (kind !== "AEXPR_OP") return undefined;
  if (isOrg(leftColumn) && isOrg(rightColumn)) return { column: leftColumn, equals: rightColumn };
  if (isOrg(leftColumn) && isValue(right)) return { column: leftColumn, equals: "value" };
  if (isOrg(rightColumn) && isValue(left)) return { column: rightColumn, equals: "value" };
  return undefined;
}

/** The reference a (possibly qualified) column belongs to, looking outwards through enclosing levels. */
function resolve(level: Level, column: string[]): Reference | undefined {
  const qualifier = column.length > 1 ? column.at(-2) : undefined;
  for (let l: Level | undefined = level; l; l = l.outer) {
    if (qualifier === undefined) {
      // Unqualified org_id: only unambiguous when a single table is in scope at that level.
      if (l.refs.length === 1) return l.refs[0];
      if (l.refs.length > 1) return undefined;
    } else {
      const found = l.refs.find((r) => r.name === qualifier);
      if (found) return found;
    }
  }
  return undefined;
}

/** Collects the references of a FROM item: tables, joins (and their ON conditions), subqueries (audited separately). */
function collectFrom(item: Node, level: Level, conditions: Node[]): void {
  const range = child(item, "RangeVar");
  if (range) {
    const table = text(range, "relname") ?? "";
    const schema = text(range, "schemaname");
    const alias = child(range, "alias");
    const cte = schema === undefined && level.ctes.has(table);
    const tenant = !cte && (schema === undefined || schema === "public") && AUDITED_TABLES.has(table);
    level.seen.add(range);
    level.refs.push({ table, name: (alias && text(alias, "aliasname")) ?? table, tenant, scoped: false, exempt: false });
    return;
  }
  const join = child(item, "JoinExpr");
  if (join) {
    for (const side of ["larg", "rarg"]) {
      const sideNode = child(join, side);
      if (sideNode) collectFrom(sideNode, level, conditions);
    }
    conditions.push(...conjuncts(child(join, "quals")));
    return;
  }
  const sub = child(item, "RangeSubselect");
  if (sub) {
    const alias = child(sub, "alias");
    level.refs.push({ table: undefined, name: (alias && text(alias, "aliasname")) ?? "", tenant: false, scoped: false, exempt: false });
  }
}

/** Marks every reference that a condition ties to a value, directly or through `x.org_id = y.org_id` equalities. */
function propagate(level: Level, conditions: readonly Node[]): void {
  const org = conditions.map(orgCondition).filter((c): c is OrgCondition => c !== undefined);
  for (const c of org) {
    const ref = resolve(level, c.column);
    if (ref && c.equals === "value") ref.scoped = true;
  }
  // Equalities between org_id columns: repeat until nothing changes (a chain of joins scopes every link).
  for (let changed = true; changed;) {
    changed = false;
    for (const c of org) {
      if (c.equals === "value") continue;
      const a = resolve(level, c.column);
      const b = resolve(level, c.equals);
      if (!a || !b || a.scoped === b.scoped) continue;
      a.scoped = b.scoped = true;
      changed = true;
    }
  }
}

type Reporter = (reason: string) => void;
/** What one statement's audit shares across its levels: where findings go, and every table reference a level took. */
type Audit = { report: Reporter; seen: Set<Node> };

function byPrimaryKey(where: Node | undefined): boolean {
  return conjuncts(where).some((c) => {
    const a = child(c, "A_Expr");
    if (!a) return false;
    const kind = text(a, "kind");
    const column = columnParts(child(a, "lexpr"));
    return column?.at(-1) === "id" && (kind === "AEXPR_IN" || kind === "AEXPR_OP_ANY" || kind === "AEXPR_OP") && isValue(child(a, "rexpr"));
  });
}

/** Audits one query level, then every statement nested in it (CTEs, subqueries in FROM, WHERE, SELECT list…). */
function auditLevel(
  kind: (typeof STATEMENTS)[number],
  stmt: Node,
  outer: Level | undefined,
  outerCtes: ReadonlySet<string>,
  audit: Audit,
): void {
  const ctes = new Set(outerCtes);
  const withClause = child(stmt, "withClause");
  for (const cte of withClause ? children(withClause, "ctes") : []) {
    const name = child(cte, "CommonTableExpr") && text(child(cte, "CommonTableExpr") as Node, "ctename");
    if (name) ctes.add(name);
  }
  const level: Level = { refs: [], outer, ctes, seen: audit.seen };
  const conditions: Node[] = [];
  const target = child(stmt, "relation");
  if (target) collectFrom({ RangeVar: target }, level, conditions);
  for (const item of [...children(stmt, "fromClause"), ...children(stmt, "usingClause")]) collectFrom(item, level, conditions);
  conditions.push(...conjuncts(child(stmt, "whereClause")));
  propagate(level, conditions);

  const targetRef = target ? level.refs[0] : undefined;
  if (targetRef?.tenant && kind === "InsertStmt") {
    const columns = children(stmt, "cols").map((c) => child(c, "ResTarget") && text(child(c, "ResTarget") as Node, "name"));
    targetRef.scoped = columns.includes("org_id");
  }
  if (targetRef?.tenant && !targetRef.scoped && (kind === "UpdateStmt" || kind === "DeleteStmt")) {
    const write: AuditedWrite = {
      kind: kind === "UpdateStmt" ? "update" : "delete",
      table: targetRef.table ?? "",
      byPrimaryKey: byPrimaryKey(child(stmt, "whereClause")),
      joinsOtherTables: level.refs.length > 1,
    };
    targetRef.exempt = SQL_AUDIT_ALLOW.some((a) => a.allows(write));
  }
  for (const ref of level.refs) {
    if (ref.tenant && !ref.scoped && !ref.exempt)
      audit.report(`${ref.table}${ref.name === ref.table ? "" : ` as ${ref.name}`} has no org_id predicate`);
  }
  visitNested(stmt, level, ctes, audit);
}

/** Finds the statements nested anywhere under a node and audits each as its own level. */
function visitNested(node: unknown, level: Level | undefined, ctes: ReadonlySet<string>, audit: Audit): void {
  if (Array.isArray(node)) return node.forEach((n) => visitNested(n, level, ctes, audit));
  if (!isNode(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const kind = STATEMENTS.find((s) => s === key);
    if (kind && isNode(value)) auditLevel(kind, value, level, ctes, audit);
    // The branches of a UNION/INTERSECT/EXCEPT are bare SelectStmt bodies, without the wrapping key.
    else if ((key === "larg" || key === "rarg") && isNode(value)) auditLevel("SelectStmt", value, level, ctes, audit);
    else visitNested(value, level, ctes, audit);
  }
}

let parserReady: Promise<void> | undefined;

/**
 * The recorded statements that reach a tenant table without an org_id predicate of their own, parsed by PostgreSQL's
 * own parser (libpg-query): each reference to a tenant table, in FROM, JOIN, UPDATE, DELETE, INSERT INTO, subqueries
 * and CTEs, needs `org_id = …`/`IN (…)`/`= ANY(…)` qualified to it in its level's WHERE or ON (unqualified when it is
 * the only table there), or a chain of `x.org_id = y.org_id` to such a reference; an INSERT needs org_id among its
 * columns. A statement that cannot be parsed is a finding: the audit must never go quiet.
 */
export async function auditStatements(statements: readonly RecordedStatement[]): Promise<{ checked: number; findings: AuditFinding[] }> {
  parserReady ??= loadModule();
  await parserReady;
  const findings: AuditFinding[] = [];
  let checked = 0;
  for (const { sql, test } of statements) {
    if (sql.includes(UNSCOPED_ON_PURPOSE)) continue;
    const flat = sql.replace(/\s+/g, " ").trim();
    let parsed: Node;
    try {
      parsed = parseSync(sql) as unknown as Node;
    } catch (error) {
      checked++;
      findings.push({ sql: flat, test, reason: `unparseable: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const reasons: string[] = [];
    const tenantRefs: Node[] = [];
    const visitTables = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visitTables);
      if (!isNode(value)) return;
      // A RangeVar node (wrapped in FROM, bare as an UPDATE/DELETE/INSERT target): anything with a relname.
      if (AUDITED_TABLES.has(text(value, "relname") ?? "")) tenantRefs.push(value);
      Object.values(value).forEach(visitTables);
    };
    visitTables(parsed);
    if (tenantRefs.length === 0) continue;
    checked++;
    const seen = new Set<Node>();
    visitNested(parsed, undefined, new Set(), { report: (reason) => reasons.push(reason), seen });
    // A tenant table named where no SELECT/INSERT/UPDATE/DELETE level took it (MERGE, TRUNCATE, COPY, LOCK…): the
    // audit cannot judge it, so it says so rather than let it through.
    for (const ref of tenantRefs) {
      if (!seen.has(ref)) reasons.push(`${text(ref, "relname") ?? ""} is reached by a statement the audit does not understand`);
    }
    if (reasons.length > 0) findings.push({ sql: flat, test, reason: reasons.join("; ") });
  }
  return { checked, findings };
}

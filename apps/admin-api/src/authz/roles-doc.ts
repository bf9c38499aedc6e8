import { CAPABILITIES, PERMISSIONS, ROLES, roleAllows } from "./permissions.ts";

export const ROLES_DOC_BEGIN = "<!-- roles-matrix:begin (generated from apps/admin-api/src/authz/permissions.ts; do not edit by hand) -->";
export const ROLES_DOC_END = "<!-- roles-matrix:end -->";

/** The permission matrix as a Markdown table, exactly as it appears between the markers of docs/roles.md. */
export function renderRolesTable(): string {
  const header = `| capability | ${ROLES.join(" | ")} | what it allows |`;
  const rule = `|---|${ROLES.map(() => ":-:").join("|")}|---|`;
  const rows = CAPABILITIES.map(
    (c) => `| \`${c}\` | ${ROLES.map((r) => (roleAllows(r, c) ? "✓" : "—")).join(" | ")} | ${PERMISSIONS[c].about} |`,
  );
  return [ROLES_DOC_BEGIN, header, rule, ...rows, ROLES_DOC_END].join("\n");
}

/** The generated block of a roles document, or undefined when the markers are missing. */
export function extractRolesTable(doc: string): string | undefined {
  const begin = doc.indexOf(ROLES_DOC_BEGIN);
  const end = doc.indexOf(ROLES_DOC_END);
  if (begin === -1 || end === -1 || end < begin) return undefined;
  return doc.slice(begin, end + ROLES_DOC_END.length);
}

/** `doc` with its generated block replaced by the current matrix. */
export function updateRolesDoc(doc: string): string {
  const current = extractRolesTable(doc);
  if (current === undefined) throw new Error("docs/roles.md has no roles-matrix markers");
  return doc.replace(current, renderRolesTable());
}

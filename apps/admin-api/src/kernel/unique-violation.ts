/**
 * Whether `err` is PostgreSQL refusing a write on the unique key `constraint` (SQLSTATE 23505), as pg or MikroORM
 * raise it. A resource that checks a key first to answer a 409 naming the field uses this for the race the check
 * cannot see (two requests between check and insert), so both paths answer the same message.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, constraint: name } = err as { code?: unknown; constraint?: unknown };
  return code === "23505" && name === constraint;
}

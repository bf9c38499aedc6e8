import { APP_ROLE } from "../tenancy/database-roles.ts";

export const TEST_APP_ROLE_PASSWORD = "cleanops-app-test-only";

/** The same database, logged in as the application role (no ownership, no BYPASSRLS). */
export function asAppRole(url: string): string {
  const u = new URL(url);
  u.username = APP_ROLE;
  u.password = TEST_APP_ROLE_PASSWORD;
  return u.toString();
}

import { orgEntityManager, type Role } from "@cleanops/db";
import { createOrgAccess, type OrgAccess, type OrgContext } from "@cleanops/http";
import type { AccessTokenVerification } from "@cleanops/auth";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { Request } from "express";
import { staffAuthenticator } from "../resources/auth/staff-authenticator.ts";
import { roleAllows, type Capability } from "./permissions.ts";

export type StaffPrincipal = { userId: string; email: string; name: string | null; membershipId: string };

export type StaffAccess = OrgAccess<StaffPrincipal, Role, EntityManager, Capability>;
export type StaffContext = OrgContext<StaffPrincipal, Role, EntityManager>;

/**
 * admin-api's route guards: `access.require(capability)` on every route that is not `publicRoute`. The first guard of
 * a request authenticates (token + live membership), then binds `{ principal, orgId, role, em }` with
 * `em = orgEntityManager(orm, orgId)`: every query the handlers make is tenant-filtered and runs after
 * `set_config('app.current_org')`, so row-level security sees the same org.
 */
export function createStaffAccess(deps: { orm: MikroORM; tokenOf: (req: Request) => AccessTokenVerification }): StaffAccess {
  return createOrgAccess({
    authenticate: staffAuthenticator(deps),
    entityManager: (orgId) => orgEntityManager(deps.orm, orgId),
    allows: roleAllows,
  });
}

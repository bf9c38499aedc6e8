import type { Request, RequestHandler, Response } from "express";
import { AppError } from "../errors/app-error.ts";
import { declareAccess } from "./route-access.ts";

/** Who is calling, established from their credentials and the live membership (never from a token's claims alone). */
export type OrgIdentity<TPrincipal, TRole extends string> = {
  principal: TPrincipal;
  orgId: string;
  /** The role as the database has it now. */
  role: TRole;
};

/** The request context: bound once per request, then read by every handler of it. */
export type OrgContext<TPrincipal, TRole extends string, TEm> = Readonly<OrgIdentity<TPrincipal, TRole> & { em: TEm }>;

export type OrgAccessOptions<TPrincipal, TRole extends string, TEm, TCapability extends string> = {
  /**
   * Checks the request's credentials and loads the caller's live membership. Throws an AppError when either fails
   * (a 401 from `authenticationFailed`); must not trust a role or org it has not checked against the database.
   */
  authenticate: (req: Request) => Promise<OrgIdentity<TPrincipal, TRole>>;
  /**
   * The EntityManager the request's handlers use, bound to the org (`orgEntityManager(orm, orgId)` from
   * @cleanops/db): every query it runs is filtered to the org and runs after `set_config('app.current_org')`.
   */
  entityManager: (orgId: string) => TEm;
  /** The permission matrix: may this role use this capability? */
  allows: (role: TRole, capability: TCapability) => boolean;
};

export type OrgAccess<TPrincipal, TRole extends string, TEm, TCapability extends string> = {
  /**
   * The guard of a route: authenticates (once per request), binds the context, then refuses with 403 `forbidden`
   * unless the caller's current role has `capability`. It is also the route's access declaration.
   */
  require(capability: TCapability): RequestHandler;
  /** The bound context; a handler behind `require()` always has one, anything else is a programming error (500). */
  context(res: Response): OrgContext<TPrincipal, TRole, TEm>;
  /** The bound context, if any (for code that also runs on public routes, e.g. logging). */
  find(res: Response): OrgContext<TPrincipal, TRole, TEm> | undefined;
};

/**
 * The reusable half of request authentication: the app supplies how to authenticate and what each role may do, this
 * binds `{ principal, orgId, role, em }` once after those checks and hands typed accessors to the handlers. Contexts
 * live in a WeakMap keyed by the response, not on `res.locals`, so nothing else can overwrite or forge one.
 */
export function createOrgAccess<TPrincipal, TRole extends string, TEm, TCapability extends string>(
  options: OrgAccessOptions<TPrincipal, TRole, TEm, TCapability>,
): OrgAccess<TPrincipal, TRole, TEm, TCapability> {
  const contexts = new WeakMap<Response, OrgContext<TPrincipal, TRole, TEm>>();

  async function bind(req: Request, res: Response): Promise<OrgContext<TPrincipal, TRole, TEm>> {
    const bound = contexts.get(res);
    if (bound) return bound;
    const identity = await options.authenticate(req);
    const context = Object.freeze({ ...identity, em: options.entityManager(identity.orgId) });
    contexts.set(res, context);
    return context;
  }

  return {
    require(capability) {
      const guard: RequestHandler = async (req, res, next) => {
        const context = await bind(req, res);
        if (!options.allows(context.role, capability)) {
          throw new AppError("forbidden", `Your role (${context.role}) does not allow ${capability}.`, {
            details: { capability },
          });
        }
        next();
      };
      return declareAccess(guard, { kind: "capability", capability });
    },
    context(res) {
      const context = contexts.get(res);
      if (!context) throw new AppError("internal", "Request context read on a route without a capability guard");
      return context;
    },
    find(res) {
      return contexts.get(res);
    },
  };
}

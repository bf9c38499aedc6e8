import type { Options } from "@mikro-orm/postgresql";
import { AuditGuard } from "../audit/audit-guard.ts";
import { AdminAuditLog } from "../entities/audit/admin-audit-log.ts";
import { BUSINESS_ENTITIES } from "../entities/index.ts";
import { ScopedPostgreSqlDriver } from "./scoped-driver.ts";
import { tenantFilter } from "./tenant-filter.ts";
import { TenantGuard } from "./tenant-guard.ts";

/** Adds the tenant filter (reads) and the tenant guard (writes) to the shared ORM options. */
export function tenantOrmOptions(options: Options): Options {
  return {
    ...options,
    // BEGIN and the org's set_config in one message, pipelined with the first statement (scoped-driver.ts).
    driver: ScopedPostgreSqlDriver,
    // The composite foreign keys already keep every reference inside the org; joining each to-one target only to
    // re-apply the tenant filter to it would add two joins to a plain read by id.
    autoJoinRefsForFilters: false,
    filters: { ...options.filters, tenant: tenantFilter([...BUSINESS_ENTITIES]) },
    subscribers: [
      ...(options.subscribers ?? []),
      new TenantGuard(BUSINESS_ENTITIES.map((e) => e.meta.className)),
      new AuditGuard(
        BUSINESS_ENTITIES.map((e) => e.meta.className),
        AdminAuditLog.meta.className,
      ),
    ],
  };
}

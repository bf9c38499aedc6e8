import type { Options } from "@mikro-orm/postgresql";
import { BUSINESS_ENTITIES } from "../entities/index.ts";
import { tenantFilter } from "./tenant-filter.ts";
import { TenantGuard } from "./tenant-guard.ts";

/** Adds the tenant filter (reads) and the tenant guard (writes) to the shared ORM options. */
export function tenantOrmOptions(options: Options): Options {
  return {
    ...options,
    filters: { ...options.filters, tenant: tenantFilter([...BUSINESS_ENTITIES]) },
    subscribers: [...(options.subscribers ?? []), new TenantGuard(BUSINESS_ENTITIES.map((e) => e.meta.className))],
  };
}

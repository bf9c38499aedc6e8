import {
  defineEntity,
  p,
  type EntityCtor,
  type EntityMetadataWithProperties,
  type EntitySchemaWithMeta,
  type InferEntityFromProperties,
  type OptionalProps,
  type PolicyDef,
} from "@mikro-orm/core";
import { PLATFORM_ROLE } from "../../tenancy/database-roles.ts";
import { CURRENT_ORG_SETTING } from "../../tenancy/tenant-filter.ts";
import { Organization } from "../platform/organization.ts";

const CURRENT_ORG = `nullif(current_setting('${CURRENT_ORG_SETTING}', true), '')::uuid`;

/**
 * The row-level security of migration 0037, declared here so that MikroORM's schema diff checks it table by table: a
 * session sees and writes only rows of `app.current_org` (nothing without it), except members of the platform role.
 */
export const TENANT_POLICIES: readonly PolicyDef[] = [
  { name: "tenant_isolation", command: "all", using: `org_id = ${CURRENT_ORG}`, check: `org_id = ${CURRENT_ORG}` },
  { name: "platform_all", command: "all", roles: [PLATFORM_ROLE], using: "true", check: "true" },
];

/**
 * The name 0036 gave the org-scoped foreign key `(org_id, <column>) → parent (org_id, id)`.
 *
 * Relations between business entities are mapped on `<column>` alone, referencing the parent's `id`: MikroORM 7.2
 * can declare a composite key towards a target whose primary key is `id` alone, but then builds wrong queries for it
 * (`{ client: id }` compares the pair with one value, `{ client: { id } }` compares org_id with the id, collections
 * fail to load). The ORM thus sees `(client_id) → client_users (id)` while the database enforces the stronger
 * `(org_id, client_id) → client_users (org_id, id)`. The relation carries the real constraint's name so the schema
 * test can pair the two, and accepts exactly that difference (its allow-list).
 */
export const orgFk = (table: string, column: string): string => `${table}_org_id_${column}_fkey`;

// A relation mapped to the key, not a plain uuid column, so the entity also declares `org_id → organizations` (the
// foreign key 0035 created) while application code still reads and writes a plain string.
const orgIdProperty = () => p.manyToOne(Organization).mapToPk().fieldName("org_id").deleteRule("restrict");

type OrgIdProperty = ReturnType<typeof orgIdProperty>;

type OrgProperties<TProperties> = TProperties & { orgId: OrgIdProperty };

type OrgEntityMeta<TName extends string, TTableName extends string, TProperties extends Record<string, unknown>> = Omit<
  EntityMetadataWithProperties<TName, TTableName, OrgProperties<TProperties>>,
  "properties" | "policies" | "rowLevelSecurity"
> & { properties: TProperties };

/**
 * A business entity as the application sees it: `orgId` may be left out of `em.create`, because the tenancy layer
 * assigns the org of the current context before the flush (and the database refuses a row without one).
 */
type OrgEntity<TProperties extends Record<string, unknown>> = InferEntityFromProperties<OrgProperties<TProperties>> & {
  [OptionalProps]?: "orgId";
};

type OrgEntitySchema<TName extends string, TTableName extends string, TProperties extends Record<string, unknown>> = EntitySchemaWithMeta<
  TName,
  TTableName,
  OrgEntity<TProperties>,
  never,
  OrgProperties<TProperties>,
  EntityCtor<OrgEntity<TProperties>>
>;

/**
 * Defines a business (tenant) entity: adds `orgId` (uuid, NOT NULL, column `org_id`) and the row-level security of
 * the table. Every business entity goes through here, so tenant-wide behaviour (e.g. a tenant filter) has one home.
 */
export function defineOrgEntity<
  const TName extends string,
  const TTableName extends string,
  const TProperties extends Record<string, unknown>,
>(meta: OrgEntityMeta<TName, TTableName, TProperties>): OrgEntitySchema<TName, TTableName, TProperties> {
  const full = {
    ...meta,
    properties: { ...meta.properties, orgId: orgIdProperty() },
    policies: [...TENANT_POLICIES],
    rowLevelSecurity: "force" as const,
  };
  // TypeScript cannot prove that re-adding the omitted keys to a generic Omit<> gives back the original type.
  return defineEntity<TName, TTableName, OrgProperties<TProperties>>(
    full as EntityMetadataWithProperties<TName, TTableName, OrgProperties<TProperties>>,
  );
}

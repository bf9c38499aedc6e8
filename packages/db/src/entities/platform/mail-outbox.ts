import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Organization } from "./organization.ts";

/**
 * A mail to send (migration 0044), written in the same transaction as the change that causes it and delivered after
 * commit. `org_id` is the org it concerns, when there is one (an invitation); account mail has none.
 */
export const MailOutbox = defineEntity({
  name: "MailOutbox",
  tableName: "mail_outbox",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.mail_outbox],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    organization: () => p.manyToOne(Organization).ref().fieldName("org_id").deleteRule("cascade").nullable(),
    kind: p.text().check("length(kind) >= 1 AND length(kind) <= 64"),
    toAddress: p.text().check("to_address ~~ '%_@_%'"),
    subject: p.text(),
    textBody: p.text(),
    createdAt: p.datetime().defaultRaw("now()"),
    attempts: p.integer().default(0).check("attempts >= 0"),
    nextAttemptAt: p.datetime().defaultRaw("now()"),
    sentAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
  },
  indexes: [
    { properties: ["organization"] },
    {
      name: "mail_outbox_next_attempt_at_idx",
      expression: (cols, table, name) =>
        `create index ${name} on ${table.qualifiedName} (${cols.nextAttemptAt}) where ${cols.sentAt} is null`,
    },
  ],
});

export type IMailOutbox = InferEntity<typeof MailOutbox>;

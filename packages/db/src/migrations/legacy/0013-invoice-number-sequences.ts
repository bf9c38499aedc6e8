import { sqlMigration } from "../sql-migration.ts";

// Invoice numbering: one row per prefix, numbers allocated by row lock.
export const m0013InvoiceNumberSequences = sqlMigration({
  up: [
    `CREATE TABLE invoice_number_sequences (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      prefix text NOT NULL CONSTRAINT invoice_number_sequences_prefix_key UNIQUE CHECK (prefix ~ '^[A-Z0-9-]{1,16}$'),
      next_value integer NOT NULL DEFAULT 1 CHECK (next_value > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE invoice_number_sequences`],
});

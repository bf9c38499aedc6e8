import { sqlMigration } from "../sql-migration.ts";

// Extras the company sells; prices in minor units.
export const m0007AddonDefinitions = sqlMigration({
  up: [
    `CREATE TABLE addon_definitions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CONSTRAINT addon_definitions_name_key UNIQUE,
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      duration_minutes integer NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE addon_definitions`],
});

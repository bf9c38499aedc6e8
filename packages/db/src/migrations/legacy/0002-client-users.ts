import { sqlMigration } from "../sql-migration.ts";

// The company's customers.
export const m0002ClientUsers = sqlMigration({
  up: [
    `CREATE TABLE client_users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      email text,
      phone text,
      address text,
      notes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE client_users`],
});

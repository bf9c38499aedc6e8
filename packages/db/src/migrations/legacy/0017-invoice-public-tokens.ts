import { sqlMigration } from "../sql-migration.ts";

// Links a client opens to see and pay an invoice; only a hash of the token is stored.
export const m0017InvoicePublicTokens = sqlMigration({
  up: [
    `CREATE TABLE invoice_public_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
      token_hash text NOT NULL CONSTRAINT invoice_public_tokens_token_hash_key UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      last_viewed_at timestamptz,
      view_count integer NOT NULL DEFAULT 0 CHECK (view_count >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX invoice_public_tokens_invoice_id_idx ON invoice_public_tokens (invoice_id)`,
  ],
  down: [`DROP TABLE invoice_public_tokens`],
});

import { sqlMigration } from "../sql-migration.ts";

// Website chats with a lead or a client.
export const m0012ChatSessions = sqlMigration({
  up: [
    `CREATE TABLE chat_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      lead_id uuid REFERENCES leads (id) ON DELETE SET NULL,
      client_id uuid REFERENCES client_users (id) ON DELETE SET NULL,
      channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'sms', 'whatsapp', 'email')),
      messages jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(messages) = 'array'),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE chat_sessions`],
});

import { sqlMigration } from "../sql-migration.ts";

// Before and after photos uploaded by workers; the bytes live in object storage.
export const m0010OrderPhotos = sqlMigration({
  up: [
    `CREATE TABLE order_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
      worker_id uuid REFERENCES workers (id) ON DELETE SET NULL,
      kind text NOT NULL DEFAULT 'after' CHECK (kind IN ('before', 'after')),
      storage_key text NOT NULL,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
      byte_size integer NOT NULL CHECK (byte_size > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX order_photos_booking_id_idx ON order_photos (booking_id)`,
  ],
  down: [`DROP TABLE order_photos`],
});

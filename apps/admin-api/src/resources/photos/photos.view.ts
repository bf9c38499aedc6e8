import type { IOrderPhoto } from "@cleanops/db";

export type PhotoView = ReturnType<typeof photoView>;

// Field by field on purpose: storage_key stays on the server.
export function photoView(p: IOrderPhoto) {
  return {
    id: p.id,
    booking_id: p.booking.id,
    worker_id: p.worker?.id ?? null,
    kind: p.kind,
    content_type: p.contentType,
    byte_size: p.byteSize,
    sha256: p.sha256,
    created_at: p.createdAt.toISOString(),
  };
}

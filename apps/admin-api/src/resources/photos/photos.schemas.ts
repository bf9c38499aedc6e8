import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, isoTime } from "../../kernel/schemas.ts";

export const ListPhotosQuery = pageQuery;

/** A photo's metadata. The storage key is never sent: the bytes are served by worker-portal, inside the org only. */
export const OrderPhoto = z
  .object({
    id: id(),
    booking_id: id(),
    worker_id: z.string().nullable(),
    kind: z.enum(["before", "after"]),
    content_type: z.string(),
    byte_size: z.number().int(),
    sha256: z.string(),
    created_at: isoTime(),
  })
  .meta({ id: "OrderPhoto" });

export type ListPhotosInput = z.output<typeof ListPhotosQuery>;

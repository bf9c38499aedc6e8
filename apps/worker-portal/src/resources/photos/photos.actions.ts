import { entities } from "@cleanops/db";
import { AppError, notFound, RawResponse } from "@cleanops/http";
import { fileTypeFromBuffer } from "file-type";
import type { WorkerContext } from "../../kernel/context.ts";
import { findJob } from "../jobs/jobs.queries.ts";
import type { PhotoView } from "./photos.schemas.ts";

const { OrderPhoto } = entities;

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** What a photo may be, recognised from its bytes: never from its name or the client's Content-Type. */
export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"] as const;
type PhotoType = (typeof PHOTO_TYPES)[number];
const isPhotoType = (mime: string): mime is PhotoType => (PHOTO_TYPES as readonly string[]).includes(mime);

/**
 * Streams the multipart field `photo` into a staged storage object (hashed on the way), recognises its type from the
 * first bytes, then records the row and makes the object visible in one transaction: the rename is the transaction's
 * last step, so a failed insert leaves no file and a failed rename leaves no row. Any refusal discards the bytes.
 */
export async function uploadPhoto(ctx: WorkerContext, jobId: string): Promise<PhotoView> {
  const job = await findJob(ctx.em, ctx.worker, jobId, ctx.now);
  const storage = ctx.services.storage;
  const key = storage.newKey(ctx.orgId);
  const staged = await ctx.upload({ field: "photo", maxBytes: MAX_PHOTO_BYTES, store: (source) => storage.put(key, source) });
  try {
    const detected = await fileTypeFromBuffer(staged.head);
    if (!detected || !isPhotoType(detected.mime)) {
      throw new AppError("unsupported_media_type", "A photo must be a JPEG, PNG, WebP or HEIC image.");
    }
    const contentType = detected.mime;
    return await ctx.mutate(async (tx, audit) => {
      const photo = tx.create(OrderPhoto, {
        booking: job.id,
        worker: ctx.worker.workerId,
        storageKey: key,
        contentType,
        byteSize: staged.byteSize,
        sha256: staged.sha256,
        createdAt: ctx.now,
      });
      const view = { id: photo.id, sha256: staged.sha256, content_type: contentType, byte_size: staged.byteSize };
      audit.created("order_photo", photo.id, { ...view, booking_id: job.id });
      await tx.flush();
      await staged.commit();
      return view;
    });
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/**
 * The bytes of a photo of the worker's org (row-level security and the tenant filter decide) and of their own team's
 * jobs (a worker sees nothing that is not theirs), else 404.
 */
export async function photoBytes(ctx: WorkerContext, id: string): Promise<RawResponse> {
  const teamId = ctx.worker.teamId;
  const photo = teamId ? await ctx.em.findOne(OrderPhoto, { id, booking: { team: teamId } }) : null;
  const stored = photo ? await ctx.services.storage.get(photo.storageKey) : null;
  if (!photo || !stored) throw notFound("No such photo.");
  return new RawResponse(stored.body, {
    "Content-Type": photo.contentType,
    "Content-Length": String(stored.byteSize),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=3600",
    "Content-Disposition": "inline",
  });
}

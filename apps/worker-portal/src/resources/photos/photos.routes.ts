import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { JobParams } from "../jobs/jobs.schemas.ts";
import { PHOTO_TYPES, photoBytes, uploadPhoto } from "./photos.actions.ts";
import { Photo, PhotoParams, PhotoUpload } from "./photos.schemas.ts";

const tag = "photos";
const access = { capability: "jobs.work" } as const;

export const photos: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/jobs/:id/photos",
      tag,
      summary: "Upload a photo of one of your jobs (multipart, file field `photo`)",
      description:
        "At most 10 MB; JPEG, PNG, WebP or HEIC recognised from the bytes (the file name and part Content-Type are ignored). " +
        "Refused uploads (413 too large, 415 another type, 400 interrupted or malformed) leave no file and no record.",
      access,
      params: JobParams,
      requestContent: { mediaType: "multipart/form-data", schema: PhotoUpload },
      response: Photo,
      status: 201,
      errors: ["payload_too_large", "unsupported_media_type"],
      handle: (ctx, { params }) => uploadPhoto(ctx, params.id),
    }),
    route({
      method: "get",
      path: "/photos/:id",
      tag,
      summary: "A photo's bytes, only inside your organization (bearer token, or the pages' session cookie)",
      access,
      params: PhotoParams,
      produces: PHOTO_TYPES,
      handle: (ctx, { params }) => photoBytes(ctx, params.id),
    }),
  ],
};

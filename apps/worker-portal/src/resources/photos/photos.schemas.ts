import { z } from "zod";

export const PhotoParams = z.object({
  id: z
    .guid()
    .transform((s) => s.toLowerCase())
    .meta({ format: "uuid" }),
});

export const Photo = z
  .object({
    id: z.string(),
    sha256: z.string().meta({ description: "Lower-case hex SHA-256 of the stored bytes" }),
    content_type: z.enum(["image/jpeg", "image/png", "image/webp", "image/heic"]),
    byte_size: z.number().int(),
  })
  .meta({ id: "Photo" });

export type PhotoView = z.input<typeof Photo>;

export const PhotoUpload = z.object({
  photo: z
    .string()
    .meta({ contentMediaType: "application/octet-stream", description: "The image: JPEG, PNG, WebP or HEIC, at most 10 MB" }),
});

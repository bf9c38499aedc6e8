import { z } from "zod";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/** Where the previous page ended: the (created_at, id) of its last row, the order every list uses. */
export type PageCursor = { createdAt: Date; id: string };

const CURSOR_SHAPE = z.tuple([z.iso.datetime({ offset: true }), z.guid()]);

/** An opaque cursor: base64url of `[created_at, id]` of the last row of a page. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

/** The position a cursor names; undefined when it is not one this API made (the schema then refuses it). */
export function decodeCursor(raw: string): PageCursor | undefined {
  try {
    const parsed = CURSOR_SHAPE.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    if (!parsed.success) return undefined;
    return { createdAt: new Date(parsed.data[0]), id: parsed.data[1].toLowerCase() };
  } catch {
    return undefined;
  }
}

/** `limit` (1–100, default 50) and `cursor` of every list route; the cursor arrives decoded. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({ description: "Page size, at most 100" }),
  cursor: z
    .string()
    .max(200)
    .transform((raw, ctx) => {
      const cursor = decodeCursor(raw);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "not a cursor of this list" });
        return z.NEVER;
      }
      return cursor;
    })
    .optional()
    .meta({ description: "The `next_cursor` of the previous page" }),
});

export type PageQuery = z.output<typeof pageQuery>;

/** The list answer of every API: `{ items, next_cursor }`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/**
 * Cuts a page from `rows` fetched with `limit + 1` (newest first): the extra row only says that more exist, and the
 * cursor is the last row shown.
 */
export function toPage<TRow extends { createdAt: Date; id: string }, TItem>(
  rows: readonly TRow[],
  limit: number,
  view: (row: TRow) => TItem,
): { items: TItem[]; next_cursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { items: shown.map(view), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

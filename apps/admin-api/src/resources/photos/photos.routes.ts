import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { listBookingPhotos } from "./photos.queries.ts";
import { ListPhotosQuery, OrderPhoto } from "./photos.schemas.ts";
import { photoView } from "./photos.view.ts";

const tag = "photos";

export const photos: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/bookings/:id/photos",
      tag,
      summary: "List the photos of a booking (metadata only), newest first",
      access: { capability: "bookings.read" },
      params: idParams,
      query: ListPhotosQuery,
      response: pageSchema(OrderPhoto),
      handle: async (ctx, { params, query }) =>
        toPage(await listBookingPhotos(ctx.em, ctx.orgId, params.id, query), query.limit, photoView),
    }),
  ],
};

import { entities, keysetAfter, NEWEST_FIRST, type IBooking, type IOrderPhoto } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { ListPhotosInput } from "./photos.schemas.ts";

const { Booking, OrderPhoto } = entities;

/** The booking must be the org's (404 like a missing one) before its photos are listed: an empty list would not say. */
async function findBooking(em: EntityManager, id: string): Promise<IBooking> {
  const booking = await em.findOne(Booking, { id });
  if (!booking) throw notFound("No such booking.");
  return booking;
}

export async function listBookingPhotos(
  em: EntityManager,
  orgId: string,
  bookingId: string,
  query: ListPhotosInput,
): Promise<IOrderPhoto[]> {
  const booking = await findBooking(em, bookingId);
  return em.find(
    OrderPhoto,
    { $and: [{ booking: booking.id }, keysetAfter<IOrderPhoto>("order_photos", orgId, query.cursor)] },
    { orderBy: NEWEST_FIRST, limit: query.limit + 1 },
  );
}

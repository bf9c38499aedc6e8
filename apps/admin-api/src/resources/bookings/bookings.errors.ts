import { defineErrorCodes } from "@cleanops/http";

export const bookingErrors = defineErrorCodes({
  booking_conflict: { status: 409, message: "The team cannot take this booking at that time." },
  invalid_transition: { status: 409, message: "The booking cannot move to that status from its current one." },
  client_archived: { status: 409, message: "The client is archived; restore it before booking." },
  team_inactive: { status: 409, message: "The team is inactive." },
  addon_unavailable: { status: 422, message: "An add-on is inactive or sold in another currency." },
});

import { defineErrorCodes } from "@cleanops/http";

export const subscriptionErrors = defineErrorCodes({
  invalid_transition: { status: 409, message: "The subscription cannot move to that status from its current one." },
  client_archived: { status: 409, message: "The client is archived; restore it before booking." },
  addon_unavailable: { status: 422, message: "An add-on is inactive or sold in another currency." },
});

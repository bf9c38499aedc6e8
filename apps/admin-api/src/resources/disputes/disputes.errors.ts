import { defineErrorCodes } from "@cleanops/http";

export const disputeErrors = defineErrorCodes({
  dispute_not_open: { status: 409, message: "The dispute is already resolved." },
  dispute_amount_too_large: { status: 409, message: "A dispute cannot contest more than the invoice total or the payment." },
});

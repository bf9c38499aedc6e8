import { defineErrorCodes } from "@cleanops/http";

export const documentErrors = defineErrorCodes({
  unknown_placeholder: { status: 422, message: "The template uses placeholders that do not exist." },
  placeholder_unavailable: { status: 422, message: "The template needs a client or booking the request did not give." },
  invalid_transition: { status: 409, message: "The document cannot move to that status from its current one." },
});

import { defineErrorCodes } from "@cleanops/http";

export const leadErrors = defineErrorCodes({
  invalid_transition: { status: 409, message: "The lead cannot move to that status from its current one." },
  chat_closed: { status: 409, message: "The chat session is closed." },
  chat_full: { status: 409, message: "The chat session holds as many messages as it can; start a new one." },
});

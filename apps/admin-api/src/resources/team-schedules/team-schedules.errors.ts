import { defineErrorCodes } from "@cleanops/http";

/** The codes a client of the schedule editor branches on (each one asks for a different fix in the form). */
export const scheduleErrors = defineErrorCodes({
  timezone_mismatch: {
    status: 409,
    message: "A team has one time zone: its other working hours use another one.",
  },
  working_hours_overlap: {
    status: 409,
    message: "These working hours overlap hours the team already has on that weekday.",
  },
  working_hours_limit: {
    status: 409,
    message: "The team already has the most working-hour intervals allowed on that weekday.",
  },
});

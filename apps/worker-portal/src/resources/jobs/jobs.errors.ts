import { defineErrorCodes } from "@cleanops/http";

export const jobErrors = defineErrorCodes({
  invalid_transition: { status: 409, message: "The job cannot move to that status from its current one." },
  job_not_started: { status: 409, message: "Start the job before working through its checklist." },
  checklist_incomplete: { status: 409, message: "Tick every required checklist item before finishing the job." },
});

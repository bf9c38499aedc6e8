import { defineErrorCodes } from "@cleanops/http";

export const checklistErrors = defineErrorCodes({
  invalid_order: { status: 422, message: "item_ids must list every item of the template exactly once." },
  checklist_already_attached: { status: 409, message: "The booking already has an open checklist." },
  checklist_item_in_use: {
    status: 409,
    message: "The item is part of a checklist already attached to a booking; it cannot be removed.",
  },
  checklist_template_inactive: { status: 409, message: "The checklist template is inactive; activate it first." },
});

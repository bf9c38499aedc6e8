import type { Schemas } from "../api/client.ts";

export type Booking = Schemas["Booking"];
export type Team = Schemas["Team"];
export type BookingStatus = Booking["status"];

/** The moves admin-api allows (requested → confirmed → in_progress → completed; cancel before work starts). */
export const NEXT_STATUSES: Record<BookingStatus, { to: BookingStatus; label: string }[]> = {
  requested: [
    { to: "confirmed", label: "Confirm" },
    { to: "cancelled", label: "Cancel" },
  ],
  confirmed: [
    { to: "in_progress", label: "Start" },
    { to: "cancelled", label: "Cancel" },
  ],
  in_progress: [{ to: "completed", label: "Complete" }],
  completed: [],
  cancelled: [],
};

/** [start, end) of a local calendar day (YYYY-MM-DD) as ISO instants. */
export function dayRange(date: string): { from: string; to: string } {
  const [y, m, d] = date.split("-").map(Number);
  const start = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { from: start.toISOString(), to: end.toISOString() };
}

/** A `datetime-local` input's value ↔ an ISO instant (the browser's zone). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const fromLocalInput = (value: string): string => new Date(value).toISOString();

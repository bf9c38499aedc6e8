import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../api/client.ts";
import { fromLocalInput, NEXT_STATUSES, toLocalInput, type Booking, type Team } from "../app/bookings-data.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote } from "./ui.tsx";

/**
 * Dispatching one booking: assign to a team (a refusal shows admin-api's reason, e.g. the team is busy then),
 * unassign, move along the allowed statuses, reschedule. Hidden for roles without bookings.write.
 */
export function BookingActions({ booking, teams, compact = false }: { booking: Booking; teams: Team[]; compact?: boolean }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const [teamId, setTeamId] = useState("");
  const [when, setWhen] = useState(() => toLocalInput(booking.starts_at));
  const done = () => qc.invalidateQueries({ queryKey: [orgKey] });
  const call = useMutation({
    mutationFn: async (
      action:
        | { kind: "assign"; teamId: string }
        | { kind: "unassign" }
        | { kind: "status"; to: Booking["status"] }
        | { kind: "reschedule"; at: string },
    ) => {
      const path = { params: { path: { id: booking.id } } };
      switch (action.kind) {
        case "assign":
          return unwrap(await api.POST("/bookings/{id}/assign", { ...path, body: { team_id: action.teamId } }));
        case "unassign":
          return unwrap(await api.POST("/bookings/{id}/unassign", path));
        case "status":
          return unwrap(await api.POST("/bookings/{id}/status", { ...path, body: { status: action.to } }));
        case "reschedule":
          return unwrap(await api.POST("/bookings/{id}/reschedule", { ...path, body: { starts_at: action.at } }));
      }
    },
    onSuccess: done,
  });
  if (!can("bookings.write")) return null;
  const selectId = `assign-${booking.id}`;
  const open = booking.status !== "completed" && booking.status !== "cancelled";
  return (
    <div className="booking-actions" data-booking={booking.id}>
      {open && !booking.team_id ? (
        <div className="row">
          <label htmlFor={selectId} className={compact ? "sr-only" : undefined}>
            Team
          </label>
          <select id={selectId} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Choose a team…</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="button" disabled={!teamId || call.isPending} onClick={() => call.mutate({ kind: "assign", teamId })}>
            Assign
          </button>
        </div>
      ) : null}
      <div className="row">
        {open && booking.team_id ? (
          <button type="button" disabled={call.isPending} onClick={() => call.mutate({ kind: "unassign" })}>
            Unassign
          </button>
        ) : null}
        {NEXT_STATUSES[booking.status].map((s) => (
          <button key={s.to} type="button" disabled={call.isPending} onClick={() => call.mutate({ kind: "status", to: s.to })}>
            {s.label}
          </button>
        ))}
      </div>
      {open && !compact ? (
        <div className="row">
          <label htmlFor={`when-${booking.id}`}>New time</label>
          <input id={`when-${booking.id}`} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
          <button
            type="button"
            disabled={call.isPending || !when}
            onClick={() => call.mutate({ kind: "reschedule", at: fromLocalInput(when) })}
          >
            Reschedule
          </button>
        </div>
      ) : null}
      <ErrorNote error={call.error} />
    </div>
  );
}

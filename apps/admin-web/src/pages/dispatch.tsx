import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";
import { unwrap } from "../api/client.ts";
import { dayRange, type Booking, type Team } from "../app/bookings-data.ts";
import { formatTime, localDate, formatMoney } from "../app/format.ts";
import { useBookingsBetween, useClientNames, useTeams } from "../app/queries.ts";
import { Link } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { BookingActions } from "../components/booking-actions.tsx";
import { ErrorNote, Loading, PageTitle, StatusBadge } from "../components/ui.tsx";

/** The day by team: unassigned jobs on the left, assign by picking a team or by dragging the card onto a column. */
export function DispatchPage() {
  const [date, setDate] = useState(() => localDate(new Date()));
  const { from, to } = dayRange(date);
  const bookings = useBookingsBetween(from, to);
  const teams = useTeams();
  const clientName = useClientNames();
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const drop = useMutation({
    mutationFn: async ({ bookingId, teamId }: { bookingId: string; teamId: string }) =>
      unwrap(await api.POST("/bookings/{id}/assign", { params: { path: { id: bookingId } }, body: { team_id: teamId } })),
    onSettled: () => qc.invalidateQueries({ queryKey: [orgKey] }),
  });

  const list = bookings.data ?? [];
  const teamList = teams.data ?? [];
  const unassigned = list.filter((b) => !b.team_id && b.status !== "cancelled");
  const onDrop = (teamId: string) => (e: DragEvent) => {
    e.preventDefault();
    const bookingId = e.dataTransfer.getData("text/booking-id");
    if (bookingId) drop.mutate({ bookingId, teamId });
  };
  const shift = (days: number) => {
    const [y, m, d] = date.split("-").map(Number);
    setDate(localDate(new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)));
  };

  return (
    <>
      <PageTitle
        actions={
          <div className="row">
            <button type="button" onClick={() => shift(-1)}>
              Previous day
            </button>
            <label htmlFor="board-date" className="sr-only">
              Day
            </label>
            <input id="board-date" type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
            <button type="button" onClick={() => shift(1)}>
              Next day
            </button>
          </div>
        }
      >
        Dispatch board
      </PageTitle>
      {bookings.isPending || teams.isPending ? <Loading /> : null}
      <ErrorNote error={bookings.error ?? teams.error ?? drop.error} />
      <div className="board">
        <section className="column" aria-labelledby="col-unassigned">
          <h2 id="col-unassigned">Unassigned ({unassigned.length})</h2>
          {unassigned.map((b) => (
            <JobCard key={b.id} booking={b} client={clientName(b.client_id)} draggable={can("bookings.write")} teams={teamList} />
          ))}
        </section>
        {teamList.map((t) => {
          const jobs = list.filter((b) => b.team_id === t.id);
          return (
            <section
              key={t.id}
              className="column"
              aria-labelledby={`col-${t.id}`}
              onDragOver={(e) => e.preventDefault()}
              onDrop={onDrop(t.id)}
              data-team={t.name}
            >
              <h2 id={`col-${t.id}`}>
                {t.name} ({jobs.length})
              </h2>
              {jobs.map((b) => (
                <JobCard key={b.id} booking={b} client={clientName(b.client_id)} draggable={false} teams={teamList} />
              ))}
            </section>
          );
        })}
      </div>
    </>
  );
}

function JobCard({ booking, client, draggable, teams }: { booking: Booking; client: string; draggable: boolean; teams: Team[] }) {
  return (
    <article
      className="job"
      draggable={draggable}
      onDragStart={(e) => e.dataTransfer.setData("text/booking-id", booking.id)}
      aria-label={`${client} at ${formatTime(booking.starts_at)}`}
    >
      <div className="row spread">
        <Link to={`/bookings/${booking.id}`}>
          {formatTime(booking.starts_at)}–{formatTime(booking.ends_at)} {client}
        </Link>
        <StatusBadge status={booking.status} />
      </div>
      <div className="muted">
        {booking.address} · {formatMoney(booking.total_cents, booking.currency)}
      </div>
      <BookingActions booking={booking} teams={teams} compact />
    </article>
  );
}

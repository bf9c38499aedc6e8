import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";
import { unwrap } from "../api/client.ts";
import { dayRange, type Booking, type Team } from "../app/bookings-data.ts";
import { formatDate, formatMoney, formatTime, localDate } from "../app/format.ts";
import { useBookingsBetween, useClientNames, useTeams } from "../app/queries.ts";
import { Link } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { BookingActions } from "../components/booking-actions.tsx";
import { ErrorNote, Loading, PageTitle, StatusBadge } from "../components/ui.tsx";

/** The day by team: unassigned jobs on the left, assign by picking a team or by dragging the card onto a column. */
export function DispatchPage() {
  const [date, setDate] = useState(() => localDate(new Date()));
  const [view, setView] = useState<"day" | "week">("day");
  const { from, to } = view === "day" ? dayRange(date) : weekRange(date);
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
  const shift = (days: number) => setDate(addDays(date, days));
  const step = view === "day" ? 1 : 7;

  return (
    <>
      <PageTitle
        actions={
          <div className="row">
            <div className="tabs" role="group" aria-label="View">
              <button type="button" aria-pressed={view === "day"} onClick={() => setView("day")}>
                Day
              </button>
              <button type="button" aria-pressed={view === "week"} onClick={() => setView("week")}>
                Week
              </button>
            </div>
            <button type="button" onClick={() => shift(-step)}>
              {view === "day" ? "Previous day" : "Previous week"}
            </button>
            <label htmlFor="board-date" className="sr-only">
              Day
            </label>
            <input id="board-date" type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
            <button type="button" onClick={() => shift(step)}>
              {view === "day" ? "Next day" : "Next week"}
            </button>
          </div>
        }
      >
        Dispatch board
      </PageTitle>
      {bookings.isPending || teams.isPending ? <Loading /> : null}
      <ErrorNote error={bookings.error ?? teams.error ?? drop.error} />
      {view === "week" ? <WeekTable start={from} bookings={list} teams={teamList} clientName={clientName} /> : null}
      <div className={view === "day" ? "board" : "hidden"}>
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

/** [Monday, next Monday) of the week that holds a local date. */
function weekRange(date: string): { from: string; to: string } {
  const [y, m, d] = date.split("-").map(Number);
  const day = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const monday = addDays(date, -((day.getDay() + 6) % 7));
  return { from: dayRange(monday).from, to: dayRange(addDays(monday, 7)).from };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return localDate(new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
}

/** The week by team: one row per team (and the unassigned), one column per day. */
function WeekTable({
  start,
  bookings,
  teams,
  clientName,
}: {
  start: string;
  bookings: Booking[];
  teams: Team[];
  clientName: (id: string) => string;
}) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(localDate(new Date(start)), i));
  const rows: { id: string | null; name: string }[] = [{ id: null, name: "Unassigned" }, ...teams.map((t) => ({ id: t.id, name: t.name }))];
  return (
    <table className="week">
      <thead>
        <tr>
          <th scope="col">Team</th>
          {days.map((d) => (
            <th scope="col" key={d}>
              {formatDate(dayRange(d).from)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id ?? "unassigned"}>
            <th scope="row">{r.name}</th>
            {days.map((d) => {
              const { from, to } = dayRange(d);
              const [lo, hi] = [Date.parse(from), Date.parse(to)];
              const jobs = bookings.filter((b) => {
                const at = Date.parse(b.starts_at);
                return (b.team_id ?? null) === r.id && b.status !== "cancelled" && at >= lo && at < hi;
              });
              return (
                <td key={d}>
                  {jobs.map((b) => (
                    <div key={b.id}>
                      <Link to={`/bookings/${b.id}`}>
                        {formatTime(b.starts_at)} {clientName(b.client_id)}
                      </Link>
                    </div>
                  ))}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
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

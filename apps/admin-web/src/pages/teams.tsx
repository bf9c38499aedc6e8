import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../api/client.ts";
import { fromLocalInput } from "../app/bookings-data.ts";
import { formatDateTime } from "../app/format.ts";
import { useTeams } from "../app/queries.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, PageTitle } from "../components/ui.tsx";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function TeamsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const teams = useTeams();
  const [name, setName] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const workers = useQuery({
    queryKey: [orgKey, "workers"],
    enabled: can("workers.read"),
    queryFn: async () => unwrap(await api.GET("/workers", { params: { query: { limit: 100 } } })).items,
  });
  const createTeam = useMutation({
    mutationFn: async () => unwrap(await api.POST("/teams", { body: { name: name.trim() } })),
    onSuccess: async () => {
      setName("");
      await qc.invalidateQueries({ queryKey: [orgKey] });
    },
  });
  const deactivate = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST("/workers/{id}/deactivate", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "workers"] }),
  });
  const reactivate = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST("/workers/{id}/reactivate", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "workers"] }),
  });
  return (
    <>
      <PageTitle>Teams and workers</PageTitle>
      <ErrorNote error={teams.error ?? workers.error ?? deactivate.error ?? reactivate.error} />
      {teams.isPending ? <Loading /> : null}
      {(teams.data ?? []).map((t) => {
        const crew = (workers.data ?? []).filter((w) => w.team_id === t.id);
        return (
          <section key={t.id} className="card" aria-labelledby={`team-${t.id}`}>
            <h2 id={`team-${t.id}`}>{t.name}</h2>
            <ul className="plain">
              {crew.map((w) => (
                <li key={w.id}>
                  {w.name} · {w.email} {w.active ? "" : "(inactive)"} {w.invitation_pending ? "(invited)" : ""}
                  {w.active && can("workers.write") ? (
                    <button type="button" onClick={() => deactivate.mutate(w.id)}>
                      Deactivate {w.name}
                    </button>
                  ) : null}
                  {!w.active && can("workers.write") ? (
                    <button type="button" onClick={() => reactivate.mutate(w.id)}>
                      Reactivate {w.name}
                    </button>
                  ) : null}
                </li>
              ))}
              {crew.length === 0 ? <li className="muted">No workers.</li> : null}
            </ul>
            <button type="button" onClick={() => setOpen(open === t.id ? null : t.id)} aria-expanded={open === t.id}>
              Working hours and blackouts
            </button>
            {open === t.id ? <TeamSchedule teamId={t.id} /> : null}
            {can("workers.write") ? <NewWorker teamId={t.id} /> : null}
          </section>
        );
      })}
      {can("teams.write") ? (
        <form
          className="card row"
          aria-label="New team"
          onSubmit={(e) => {
            e.preventDefault();
            createTeam.mutate();
          }}
        >
          <Field label="New team" id="team-name">
            <input id="team-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <button type="submit" className="primary" disabled={createTeam.isPending}>
            Create team
          </button>
          <ErrorNote error={createTeam.error} />
        </form>
      ) : null}
    </>
  );
}

function TeamSchedule({ teamId }: { teamId: string }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: [orgKey, "teams", teamId],
    queryFn: async () => unwrap(await api.GET("/teams/{id}", { params: { path: { id: teamId } } })),
  });
  const remove = useMutation({
    mutationFn: async (what: { hours_id: string } | { blackout_id: string }) => {
      if ("hours_id" in what) {
        unwrap(await api.DELETE("/teams/{id}/working-hours/{hours_id}", { params: { path: { id: teamId, hours_id: what.hours_id } } }));
      } else {
        unwrap(
          await api.DELETE("/teams/{id}/blackouts/{blackout_id}", { params: { path: { id: teamId, blackout_id: what.blackout_id } } }),
        );
      }
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "teams", teamId] }),
  });
  const write = can("teams.write");
  if (q.error) return <ErrorNote error={q.error} />;
  if (!q.data) return <Loading />;
  return (
    <div className="grid">
      <ErrorNote error={remove.error} />
      <div>
        <h3>Working hours</h3>
        <ul className="plain">
          {q.data.working_hours.map((h) => (
            <li key={h.id}>
              {WEEKDAYS[h.weekday] ?? h.weekday} {h.starts_at_local}–{h.ends_at_local} ({h.timezone})
              {write ? (
                <button type="button" disabled={remove.isPending} onClick={() => remove.mutate({ hours_id: h.id })}>
                  Remove {WEEKDAYS[h.weekday] ?? h.weekday} {h.starts_at_local}–{h.ends_at_local}
                </button>
              ) : null}
            </li>
          ))}
          {q.data.working_hours.length === 0 ? <li className="muted">Any time (no hours set).</li> : null}
        </ul>
        {write ? <AddWorkingHours teamId={teamId} timezone={q.data.working_hours[0]?.timezone} /> : null}
      </div>
      <div>
        <h3>Upcoming blackouts</h3>
        <ul className="plain">
          {q.data.upcoming_blackouts.map((b) => (
            <li key={b.id}>
              {formatDateTime(b.starts_at)} – {formatDateTime(b.ends_at)} {b.reason ?? ""}
              {write ? (
                <button type="button" disabled={remove.isPending} onClick={() => remove.mutate({ blackout_id: b.id })}>
                  Remove blackout from {formatDateTime(b.starts_at)}
                </button>
              ) : null}
            </li>
          ))}
          {q.data.upcoming_blackouts.length === 0 ? <li className="muted">None.</li> : null}
        </ul>
        {write ? <AddBlackout teamId={teamId} /> : null}
      </div>
    </div>
  );
}

function AddWorkingHours({ teamId, timezone }: { teamId: string; timezone: string | undefined }) {
  const { api, orgKey } = useSession();
  const qc = useQueryClient();
  const [weekday, setWeekday] = useState("1");
  const [starts, setStarts] = useState("08:00");
  const [ends, setEnds] = useState("17:00");
  // The team's existing zone first, else the browser's (the office usually sits where its teams work).
  const [zone, setZone] = useState(timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/teams/{id}/working-hours", {
          params: { path: { id: teamId } },
          body: { weekday: Number(weekday), starts_at_local: starts, ends_at_local: ends, timezone: zone.trim() },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "teams", teamId] }),
  });
  return (
    <form
      className="row"
      aria-label="Add working hours"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Field label="Weekday" id={`wh-day-${teamId}`}>
        <select id={`wh-day-${teamId}`} value={weekday} onChange={(e) => setWeekday(e.target.value)}>
          {WEEKDAYS.map((d, i) => (
            <option key={d} value={String(i)}>
              {d}
            </option>
          ))}
        </select>
      </Field>
      <Field label="From" id={`wh-from-${teamId}`}>
        <input
          id={`wh-from-${teamId}`}
          required
          pattern="[0-2][0-9]:[0-5][0-9]"
          value={starts}
          onChange={(e) => setStarts(e.target.value)}
        />
      </Field>
      <Field label="To" id={`wh-to-${teamId}`} hint="24:00 for midnight">
        <input id={`wh-to-${teamId}`} required pattern="[0-2][0-9]:[0-5][0-9]" value={ends} onChange={(e) => setEnds(e.target.value)} />
      </Field>
      <Field label="Time zone" id={`wh-tz-${teamId}`}>
        <input id={`wh-tz-${teamId}`} required value={zone} onChange={(e) => setZone(e.target.value)} />
      </Field>
      <button type="submit" disabled={add.isPending}>
        Add hours
      </button>
      <ErrorNote error={add.error} />
    </form>
  );
}

function AddBlackout({ teamId }: { teamId: string }) {
  const { api, orgKey } = useSession();
  const qc = useQueryClient();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/teams/{id}/blackouts", {
          params: { path: { id: teamId } },
          body: { starts_at: fromLocalInput(from), ends_at: fromLocalInput(to), ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      setFrom("");
      setTo("");
      setReason("");
      await qc.invalidateQueries({ queryKey: [orgKey, "teams", teamId] });
    },
  });
  return (
    <form
      className="row"
      aria-label="Add a blackout"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Field label="Blackout from" id={`bo-from-${teamId}`}>
        <input id={`bo-from-${teamId}`} type="datetime-local" required value={from} onChange={(e) => setFrom(e.target.value)} />
      </Field>
      <Field label="Blackout until" id={`bo-to-${teamId}`}>
        <input id={`bo-to-${teamId}`} type="datetime-local" required value={to} onChange={(e) => setTo(e.target.value)} />
      </Field>
      <Field label="Reason" id={`bo-reason-${teamId}`}>
        <input id={`bo-reason-${teamId}`} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <button type="submit" disabled={add.isPending}>
        Add blackout
      </button>
      <ErrorNote error={add.error} />
    </form>
  );
}

function NewWorker({ teamId }: { teamId: string }) {
  const { api, orgKey } = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST("/workers", { body: { name: name.trim(), email: email.trim(), team_id: teamId } })),
    onSuccess: async () => {
      setName("");
      setEmail("");
      await qc.invalidateQueries({ queryKey: [orgKey, "workers"] });
    },
  });
  return (
    <form
      className="row"
      aria-label="Add a worker"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Field label="Worker name" id={`wn-${teamId}`}>
        <input id={`wn-${teamId}`} required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Worker email" id={`we-${teamId}`}>
        <input id={`we-${teamId}`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <button type="submit" disabled={create.isPending}>
        Add worker
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}

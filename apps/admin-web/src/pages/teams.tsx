import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../api/client.ts";
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
  return (
    <>
      <PageTitle>Teams and workers</PageTitle>
      <ErrorNote error={teams.error ?? workers.error ?? deactivate.error} />
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
  const q = useQuery({
    queryKey: [orgKey, "teams", teamId],
    queryFn: async () => unwrap(await api.GET("/teams/{id}", { params: { path: { id: teamId } } })),
  });
  if (!q.data) return <Loading />;
  return (
    <div className="grid">
      <div>
        <h3>Working hours</h3>
        <ul className="plain">
          {q.data.working_hours.map((h) => (
            <li key={h.id}>
              {WEEKDAYS[h.weekday] ?? h.weekday} {h.starts_at_local}–{h.ends_at_local} ({h.timezone})
            </li>
          ))}
          {q.data.working_hours.length === 0 ? <li className="muted">Any time (no hours set).</li> : null}
        </ul>
      </div>
      <div>
        <h3>Upcoming blackouts</h3>
        <ul className="plain">
          {q.data.upcoming_blackouts.map((b) => (
            <li key={b.id}>
              {formatDateTime(b.starts_at)} – {formatDateTime(b.ends_at)} {b.reason ?? ""}
            </li>
          ))}
          {q.data.upcoming_blackouts.length === 0 ? <li className="muted">None.</li> : null}
        </ul>
      </div>
    </div>
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

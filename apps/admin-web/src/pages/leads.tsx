import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../api/client.ts";
import { formatDate, humanize } from "../app/format.ts";
import { Link } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, PageTitle, StatusBadge } from "../components/ui.tsx";

type Lead = Schemas["Lead"];
type LeadStatus = Lead["status"];
const STATUSES: LeadStatus[] = ["new", "contacted", "quoted", "won", "lost"];
const SOURCES: Lead["source"][] = ["web", "phone", "referral", "email", "other"];
/** admin-api's pipeline (leads.rules.ts): the moves offered; admin-api still refuses any other with a 409. */
const NEXT: Record<LeadStatus, LeadStatus[]> = {
  new: ["contacted", "lost"],
  contacted: ["quoted", "lost"],
  quoted: ["won", "lost"],
  won: [],
  lost: [],
};
const MOVE_LABEL: Record<LeadStatus, string> = {
  new: "Reopen",
  contacted: "Mark contacted",
  quoted: "Mark quoted",
  won: "Mark won (make a client)",
  lost: "Mark lost",
};

export function LeadsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const [status, setStatus] = useState<LeadStatus | "">("");
  const list = useQuery({
    queryKey: [orgKey, "leads", "list", status],
    // Asked only once the capabilities say so: a role without it would get a 403 banner instead of nothing.
    enabled: can("leads.read"),
    queryFn: async () => unwrap(await api.GET("/leads", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })).items,
  });
  const move = useMutation({
    mutationFn: async ({ id, to }: { id: string; to: LeadStatus }) =>
      unwrap(await api.POST("/leads/{id}/status", { params: { path: { id } }, body: { status: to } })),
    // A won lead became a client: the client lists change too.
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey] }),
  });
  const write = can("leads.write");
  return (
    <>
      <PageTitle>Leads</PageTitle>
      <div className="filters row">
        <label htmlFor="lead-status">Stage</label>
        <select id="lead-status" value={status} onChange={(e) => setStatus(e.target.value as LeadStatus | "")}>
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={list.error ?? move.error} />
      {list.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Contact</th>
            <th scope="col">Source</th>
            <th scope="col">Stage</th>
            <th scope="col">Since</th>
            {write ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((l) => (
            <tr key={l.id}>
              <td>
                {l.name}
                {l.converted_client_id && can("clients.read") ? (
                  <>
                    {" "}
                    <Link to={`/clients/${l.converted_client_id}`}>Client</Link>
                  </>
                ) : null}
              </td>
              <td>{[l.email, l.phone].filter(Boolean).join(" · ") || "—"}</td>
              <td>{humanize(l.source)}</td>
              <td>
                <StatusBadge status={l.status} />
              </td>
              <td>{formatDate(l.created_at)}</td>
              {write ? (
                <td className="row">
                  {NEXT[l.status].map((to) => (
                    <button key={to} type="button" disabled={move.isPending} onClick={() => move.mutate({ id: l.id, to })}>
                      {MOVE_LABEL[to]}: {l.name}
                    </button>
                  ))}
                </td>
              ) : null}
            </tr>
          ))}
          {list.data && list.data.length === 0 ? (
            <tr>
              <td colSpan={write ? 6 : 5} className="muted">
                No leads.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {write ? <NewLead /> : null}
    </>
  );
}

function NewLead() {
  const { api, orgKey } = useSession();
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: "", email: "", phone: "", notes: "" });
  const [source, setSource] = useState<Lead["source"]>("web");
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/leads", {
          body: {
            name: form.name.trim(),
            source,
            ...(form.email.trim() ? { email: form.email.trim() } : {}),
            ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
            ...(form.notes.trim() ? { notes: form.notes.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setForm({ name: "", email: "", phone: "", notes: "" });
      await qc.invalidateQueries({ queryKey: [orgKey, "leads"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <form className="card form" onSubmit={submit} aria-label="New lead">
      <h2>New lead</h2>
      <Field label="Name" id="lead-name">
        <input id="lead-name" required value={form.name} onChange={set("name")} />
      </Field>
      <Field label="Email" id="lead-email">
        <input id="lead-email" type="email" value={form.email} onChange={set("email")} />
      </Field>
      <Field label="Phone" id="lead-phone">
        <input id="lead-phone" type="tel" value={form.phone} onChange={set("phone")} />
      </Field>
      <Field label="Source" id="lead-source">
        <select id="lead-source" value={source} onChange={(e) => setSource(e.target.value as Lead["source"])}>
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Notes" id="lead-notes">
        <textarea id="lead-notes" value={form.notes} onChange={set("notes")} />
      </Field>
      <ErrorNote error={create.error} />
      <button type="submit" className="primary" disabled={create.isPending}>
        Record lead
      </button>
    </form>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { unwrap } from "../api/client.ts";
import { fromLocalInput, type BookingStatus } from "../app/bookings-data.ts";
import { formatDateTime, formatMoney, parseMoney } from "../app/format.ts";
import { useClientNames, useTeams } from "../app/queries.ts";
import { Link, useRouter } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { BookingActions } from "../components/booking-actions.tsx";
import { ErrorNote, Field, Loading, Money, PageTitle, StatusBadge } from "../components/ui.tsx";

const STATUSES: BookingStatus[] = ["requested", "confirmed", "in_progress", "completed", "cancelled"];

export function BookingsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const clientName = useClientNames();
  const teams = useTeams();
  const [status, setStatus] = useState<BookingStatus | "">("");
  const [unassigned, setUnassigned] = useState(false);
  const q = useQuery({
    queryKey: [orgKey, "bookings", "list", status, unassigned],
    queryFn: async () =>
      unwrap(
        await api.GET("/bookings", {
          params: { query: { limit: 100, ...(status ? { status } : {}), ...(unassigned ? { unassigned: "true" as const } : {}) } },
        }),
      ).items,
  });
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  return (
    <>
      <PageTitle
        actions={
          can("bookings.write") ? (
            <Link to="/bookings/new" className="button primary">
              New booking
            </Link>
          ) : null
        }
      >
        Bookings
      </PageTitle>
      <div className="filters row">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={status} onChange={(e) => setStatus(e.target.value as BookingStatus | "")}>
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replaceAll("_", " ")}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={unassigned} onChange={(e) => setUnassigned(e.target.checked)} /> Unassigned only
        </label>
      </div>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Client</th>
            <th scope="col">Team</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {(q.data ?? []).map((b) => (
            <tr key={b.id}>
              <td>
                <Link to={`/bookings/${b.id}`}>{formatDateTime(b.starts_at)}</Link>
              </td>
              <td>{clientName(b.client_id)}</td>
              <td>{b.team_id ? (teamName.get(b.team_id) ?? "Team") : <span className="muted">Unassigned</span>}</td>
              <td>
                <StatusBadge status={b.status} />
              </td>
              <td className="num">
                <Money cents={b.total_cents} currency={b.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function BookingDetailPage({ id }: { id: string }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const { navigate } = useRouter();
  const clientName = useClientNames();
  const teams = useTeams();
  const q = useQuery({
    queryKey: [orgKey, "bookings", id],
    queryFn: async () => unwrap(await api.GET("/bookings/{id}", { params: { path: { id } } })),
  });
  const invoice = useMutation({
    mutationFn: async () => unwrap(await api.POST("/invoices", { body: { booking_id: id } })),
    onSuccess: (inv) => navigate(`/invoices/${inv.id}`),
  });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const b = q.data;
  const team = (teams.data ?? []).find((t) => t.id === b.team_id);
  return (
    <>
      <PageTitle
        actions={
          can("invoices.write") ? (
            <button type="button" className="primary" disabled={invoice.isPending} onClick={() => invoice.mutate()}>
              Create invoice
            </button>
          ) : null
        }
      >
        Booking for {clientName(b.client_id)}
      </PageTitle>
      <ErrorNote error={invoice.error} />
      <dl className="facts card">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={b.status} />
        </dd>
        <dt>When</dt>
        <dd>
          {formatDateTime(b.starts_at)} – {formatDateTime(b.ends_at)} ({b.duration_minutes} min)
        </dd>
        <dt>Team</dt>
        <dd data-testid="booking-team">{team ? team.name : b.team_id ? "Team" : "Unassigned"}</dd>
        <dt>Address</dt>
        <dd>{b.address}</dd>
        <dt>Price</dt>
        <dd>
          <Money cents={b.price_cents} currency={b.currency} /> + add-ons <Money cents={b.addons_total_cents} currency={b.currency} /> ={" "}
          <strong>
            <Money cents={b.total_cents} currency={b.currency} />
          </strong>
        </dd>
        {b.addons.length ? (
          <>
            <dt>Add-ons</dt>
            <dd>{b.addons.map((a) => `${a.name} × ${a.quantity}`).join(", ")}</dd>
          </>
        ) : null}
        {b.notes ? (
          <>
            <dt>Notes</dt>
            <dd>{b.notes}</dd>
          </>
        ) : null}
        <dt>Client</dt>
        <dd>
          <Link to={`/clients/${b.client_id}`}>{clientName(b.client_id)}</Link>
        </dd>
      </dl>
      <section className="card" aria-label="Dispatch">
        <h2>Dispatch</h2>
        <BookingActions booking={b} teams={teams.data ?? []} />
      </section>
    </>
  );
}

export function NewBookingPage({ clientId }: { clientId?: string | undefined }) {
  const { api, orgKey } = useSession();
  const { navigate } = useRouter();
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [client, setClient] = useState(clientId ?? "");
  const [when, setWhen] = useState("");
  const [duration, setDuration] = useState("120");
  const [price, setPrice] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const [notes, setNotes] = useState("");
  const [addons, setAddons] = useState<Record<string, number>>({});
  const clients = useQuery({
    queryKey: [orgKey, "clients", "search", search],
    queryFn: async () =>
      unwrap(await api.GET("/clients", { params: { query: { limit: 20, ...(search.trim() ? { q: search.trim() } : {}) } } })).items,
  });
  const addonDefs = useQuery({
    queryKey: [orgKey, "addons"],
    queryFn: async () => unwrap(await api.GET("/addons", { params: { query: { limit: 100 } } })).items,
  });
  const create = useMutation({
    mutationFn: async () => {
      const cents = parseMoney(price);
      if (cents === undefined) throw new Error("Enter the price as an amount, e.g. 80 or 80.50.");
      return unwrap(
        await api.POST("/bookings", {
          body: {
            client_id: client,
            starts_at: fromLocalInput(when),
            duration_minutes: Number(duration),
            price_cents: cents,
            currency,
            ...(notes.trim() ? { notes: notes.trim() } : {}),
            addons: Object.entries(addons)
              .filter(([, n]) => n > 0)
              .map(([addon_id, quantity]) => ({ addon_id, quantity })),
          },
        }),
      );
    },
    onSuccess: async (b) => {
      await qc.invalidateQueries({ queryKey: [orgKey] });
      navigate(`/bookings/${b.id}`);
    },
  });
  const active = (addonDefs.data ?? []).filter((a) => a.active && a.currency === currency);
  const chosen = active.filter((a) => (addons[a.id] ?? 0) > 0);
  const base = parseMoney(price) ?? 0;
  const total = base + chosen.reduce((s, a) => s + a.price_cents * (addons[a.id] ?? 0), 0);
  const minutes = Number(duration || 0) + chosen.reduce((s, a) => s + a.duration_minutes * (addons[a.id] ?? 0), 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageTitle>New booking</PageTitle>
      <form className="card form" onSubmit={submit} aria-label="New booking">
        <Field label="Find client" id="client-search">
          <input
            id="client-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name, email or phone"
          />
        </Field>
        <Field label="Client" id="client">
          <select id="client" required value={client} onChange={(e) => setClient(e.target.value)}>
            <option value="">Choose…</option>
            {(clients.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.email ? ` <${c.email}>` : ""}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Starts at" id="starts-at">
          <input id="starts-at" type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
        </Field>
        <Field label="Duration (minutes)" id="duration">
          <input id="duration" type="number" min={1} max={1440} required value={duration} onChange={(e) => setDuration(e.target.value)} />
        </Field>
        <Field label="Price" id="price">
          <input id="price" inputMode="decimal" required value={price} onChange={(e) => setPrice(e.target.value)} placeholder="80.00" />
        </Field>
        <Field label="Currency" id="currency">
          <select id="currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {["EUR", "GBP", "USD", "CHF"].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
        {active.length ? (
          <fieldset>
            <legend>Add-ons</legend>
            {active.map((a) => (
              <div key={a.id} className="row">
                <label htmlFor={`addon-${a.id}`}>
                  {a.name} ({formatMoney(a.price_cents, a.currency)}, +{a.duration_minutes} min)
                </label>
                <input
                  id={`addon-${a.id}`}
                  type="number"
                  min={0}
                  max={100}
                  value={addons[a.id] ?? 0}
                  onChange={(e) => setAddons({ ...addons, [a.id]: Number(e.target.value) })}
                />
              </div>
            ))}
          </fieldset>
        ) : null}
        <Field label="Notes" id="notes">
          <textarea id="notes" value={notes} onChange={(e) => setNotes(e.target.value)} />
        </Field>
        <p data-testid="booking-summary">
          Total {formatMoney(total, currency)} · {minutes} min
        </p>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create booking
        </button>
      </form>
    </>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { unwrap } from "../api/client.ts";
import { formatDateTime, formatMoney } from "../app/format.ts";
import { Link, useRouter } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, Money, PageTitle, StatusBadge } from "../components/ui.tsx";

export function ClientsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const [q, setQ] = useState("");
  const list = useQuery({
    queryKey: [orgKey, "clients", "list", q],
    queryFn: async () =>
      unwrap(await api.GET("/clients", { params: { query: { limit: 100, ...(q.trim() ? { q: q.trim() } : {}) } } })).items,
  });
  return (
    <>
      <PageTitle
        actions={
          can("clients.write") ? (
            <Link to="/clients/new" className="button primary">
              New client
            </Link>
          ) : null
        }
      >
        Clients
      </PageTitle>
      <div className="filters row">
        <label htmlFor="client-q">Search</label>
        <input id="client-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, email or phone" />
      </div>
      <ErrorNote error={list.error} />
      {list.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Address</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/clients/${c.id}`}>{c.name}</Link>
              </td>
              <td>{c.email ?? "—"}</td>
              <td>{c.phone ?? "—"}</td>
              <td>{c.address ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function NewClientPage() {
  const { api, orgKey } = useSession();
  const { navigate } = useRouter();
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: "", email: "", phone: "", address: "" });
  const create = useMutation({
    mutationFn: async () => {
      const body = {
        name: form.name.trim(),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
        ...(form.address.trim() ? { address: form.address.trim() } : {}),
      };
      return unwrap(await api.POST("/clients", { body }));
    },
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: [orgKey] });
      navigate(`/clients/${c.id}`);
    },
  });
  const bind = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageTitle>New client</PageTitle>
      <form className="card form" onSubmit={submit} aria-label="New client">
        <Field label="Name" id="c-name">
          <input id="c-name" required {...bind("name")} />
        </Field>
        <Field label="Email" id="c-email">
          <input id="c-email" type="email" {...bind("email")} />
        </Field>
        <Field label="Phone" id="c-phone">
          <input id="c-phone" type="tel" {...bind("phone")} />
        </Field>
        <Field label="Address" id="c-address">
          <input id="c-address" {...bind("address")} />
        </Field>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create client
        </button>
      </form>
    </>
  );
}

export function ClientDetailPage({ id }: { id: string }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const client = useQuery({
    queryKey: [orgKey, "clients", id],
    queryFn: async () => unwrap(await api.GET("/clients/{id}", { params: { path: { id } } })),
  });
  const bookings = useQuery({
    queryKey: [orgKey, "bookings", "client", id],
    queryFn: async () => unwrap(await api.GET("/bookings", { params: { query: { client_id: id, limit: 100 } } })).items,
  });
  const invoices = useQuery({
    queryKey: [orgKey, "invoices", "client", id],
    enabled: can("invoices.read"),
    queryFn: async () => unwrap(await api.GET("/invoices", { params: { query: { client_id: id, limit: 100 } } })).items,
  });
  if (client.isPending) return <Loading />;
  if (!client.data) return <ErrorNote error={client.error} />;
  const c = client.data;
  const balances = new Map<string, number>();
  for (const i of invoices.data ?? [])
    if (i.status !== "void" && i.status !== "draft") balances.set(i.currency, (balances.get(i.currency) ?? 0) + i.balance_cents);
  return (
    <>
      <PageTitle
        actions={
          can("bookings.write") ? (
            <Link to={`/bookings/new?client=${c.id}`} className="button primary">
              New booking
            </Link>
          ) : null
        }
      >
        {c.name}
      </PageTitle>
      <dl className="facts card">
        <dt>Email</dt>
        <dd>{c.email ?? "—"}</dd>
        <dt>Phone</dt>
        <dd>{c.phone ?? "—"}</dd>
        <dt>Address</dt>
        <dd>{c.address ?? "—"}</dd>
        {can("invoices.read") ? (
          <>
            <dt>Balance</dt>
            <dd data-testid="client-balance">{[...balances].map(([cur, v]) => formatMoney(v, cur)).join(" + ") || "Nothing owed"}</dd>
          </>
        ) : null}
      </dl>
      <section className="card" aria-labelledby="client-bookings">
        <h2 id="client-bookings">Bookings</h2>
        <ul className="plain">
          {(bookings.data ?? []).map((b) => (
            <li key={b.id}>
              <Link to={`/bookings/${b.id}`}>{formatDateTime(b.starts_at)}</Link> <StatusBadge status={b.status} />{" "}
              <Money cents={b.total_cents} currency={b.currency} />
            </li>
          ))}
        </ul>
      </section>
      {can("invoices.read") ? (
        <section className="card" aria-labelledby="client-invoices">
          <h2 id="client-invoices">Invoices</h2>
          <ul className="plain">
            {(invoices.data ?? []).map((i) => (
              <li key={i.id}>
                <Link to={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> <StatusBadge status={i.status} />{" "}
                <Money cents={i.total_cents} currency={i.currency} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

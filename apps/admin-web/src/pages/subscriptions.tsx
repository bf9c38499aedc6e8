import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../api/client.ts";
import { fromLocalInput } from "../app/bookings-data.ts";
import { formatDateTime, humanize, parseMoney } from "../app/format.ts";
import { useClientNames } from "../app/queries.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, Money, PageTitle, StatusBadge } from "../components/ui.tsx";

type Subscription = Schemas["Subscription"];
type Status = Subscription["status"];
const STATUSES: Status[] = ["active", "paused", "cancelled"];
const FREQUENCIES: Subscription["frequency"][] = ["weekly", "biweekly", "monthly"];

export function SubscriptionsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const clientName = useClientNames();
  const [status, setStatus] = useState<Status | "">("");
  const list = useQuery({
    queryKey: [orgKey, "subscriptions", "list", status],
    // Asked only once the capabilities say so: a role without it would get a 403 banner instead of nothing.
    enabled: can("subscriptions.read"),
    queryFn: async () =>
      unwrap(await api.GET("/subscriptions", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })).items,
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "pause" | "resume" | "cancel" }) => {
      const opts = { params: { path: { id } } };
      if (action === "pause") return unwrap(await api.POST("/subscriptions/{id}/pause", opts));
      if (action === "resume") return unwrap(await api.POST("/subscriptions/{id}/resume", opts));
      return unwrap(await api.POST("/subscriptions/{id}/cancel", opts));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "subscriptions"] }),
  });
  const write = can("subscriptions.write");
  return (
    <>
      <PageTitle>Subscriptions</PageTitle>
      <div className="filters row">
        <label htmlFor="subscription-status">Status</label>
        <select id="subscription-status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={list.error ?? act.error} />
      {list.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Frequency</th>
            <th scope="col">Status</th>
            <th scope="col">Next booking</th>
            <th scope="col">Price</th>
            <th scope="col">Duration</th>
            {write ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{clientName(s.client_id)}</td>
              <td>{humanize(s.frequency)}</td>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>{formatDateTime(s.next_booking_at)}</td>
              <td>
                <Money cents={s.price_cents} currency={s.currency} />
                {s.addons.length ? ` + ${s.addons.map((a) => `${a.quantity}× ${a.name}`).join(", ")}` : ""}
              </td>
              <td>{s.duration_minutes} min</td>
              {write ? (
                <td className="row">
                  {s.status === "active" ? (
                    <button type="button" disabled={act.isPending} onClick={() => act.mutate({ id: s.id, action: "pause" })}>
                      Pause plan for {clientName(s.client_id)}
                    </button>
                  ) : null}
                  {s.status === "paused" ? (
                    <button type="button" disabled={act.isPending} onClick={() => act.mutate({ id: s.id, action: "resume" })}>
                      Resume plan for {clientName(s.client_id)}
                    </button>
                  ) : null}
                  {s.status !== "cancelled" ? (
                    <button type="button" disabled={act.isPending} onClick={() => act.mutate({ id: s.id, action: "cancel" })}>
                      Cancel plan for {clientName(s.client_id)}
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
          {list.data && list.data.length === 0 ? (
            <tr>
              <td colSpan={write ? 7 : 6} className="muted">
                No plans.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {write ? <NewSubscription /> : null}
    </>
  );
}

function NewSubscription() {
  const { api, orgKey } = useSession();
  const qc = useQueryClient();
  const [client, setClient] = useState("");
  const [frequency, setFrequency] = useState<Subscription["frequency"]>("weekly");
  const [when, setWhen] = useState("");
  const [duration, setDuration] = useState("120");
  const [price, setPrice] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const clients = useQuery({
    queryKey: [orgKey, "clients", "search", ""],
    queryFn: async () => unwrap(await api.GET("/clients", { params: { query: { limit: 20 } } })).items,
  });
  const create = useMutation({
    mutationFn: async () => {
      const cents = parseMoney(price);
      if (cents === undefined) throw new Error("Enter the price as an amount, e.g. 80 or 80.50.");
      return unwrap(
        await api.POST("/subscriptions", {
          body: {
            client_id: client,
            frequency,
            next_booking_at: fromLocalInput(when),
            duration_minutes: Number(duration),
            price_cents: cents,
            currency,
          },
        }),
      );
    },
    onSuccess: async () => {
      setClient("");
      setWhen("");
      setPrice("");
      await qc.invalidateQueries({ queryKey: [orgKey, "subscriptions"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="New subscription">
      <h2>New subscription</h2>
      <Field label="Client" id="sub-client">
        <select id="sub-client" required value={client} onChange={(e) => setClient(e.target.value)}>
          <option value="">Choose…</option>
          {(clients.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Frequency" id="sub-frequency">
        <select id="sub-frequency" value={frequency} onChange={(e) => setFrequency(e.target.value as Subscription["frequency"])}>
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {humanize(f)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="First booking" id="sub-first">
        <input id="sub-first" type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
      </Field>
      <Field label="Duration (minutes)" id="sub-duration">
        <input id="sub-duration" type="number" min={1} max={1440} required value={duration} onChange={(e) => setDuration(e.target.value)} />
      </Field>
      <Field label="Price per booking" id="sub-price">
        <input id="sub-price" inputMode="decimal" required value={price} onChange={(e) => setPrice(e.target.value)} placeholder="80.00" />
      </Field>
      <Field label="Currency" id="sub-currency">
        <select id="sub-currency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
          {["EUR", "GBP", "USD", "CHF"].map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </Field>
      <ErrorNote error={create.error} />
      <button type="submit" className="primary" disabled={create.isPending}>
        Create subscription
      </button>
    </form>
  );
}

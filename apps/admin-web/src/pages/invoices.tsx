import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { unwrap, type Schemas } from "../api/client.ts";
import { formatDate, formatDateTime, parseMoney } from "../app/format.ts";
import { useClientNames } from "../app/queries.ts";
import { Link } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, Money, PageTitle, StatusBadge } from "../components/ui.tsx";
import { DisputesAndAdjustments } from "./invoice-disputes.tsx";

type Invoice = Schemas["Invoice"];
type InvoiceStatus = Invoice["status"];
const STATUSES: InvoiceStatus[] = ["draft", "issued", "partially_paid", "paid", "void"];

export function InvoicesPage() {
  const { api, orgKey } = useSession();
  const clientName = useClientNames();
  const [status, setStatus] = useState<InvoiceStatus | "">("");
  const q = useQuery({
    queryKey: [orgKey, "invoices", "list", status],
    queryFn: async () => unwrap(await api.GET("/invoices", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })).items,
  });
  return (
    <>
      <PageTitle>Invoices</PageTitle>
      <div className="tabs" role="group" aria-label="Status">
        {(["", ...STATUSES] as const).map((s) => (
          <button key={s || "all"} type="button" aria-pressed={status === s} onClick={() => setStatus(s)}>
            {s ? s.replaceAll("_", " ") : "All"}
          </button>
        ))}
      </div>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Client</th>
            <th scope="col">Status</th>
            <th scope="col">Due</th>
            <th scope="col" className="num">
              Total
            </th>
            <th scope="col" className="num">
              Balance
            </th>
          </tr>
        </thead>
        <tbody>
          {(q.data ?? []).map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link>
              </td>
              <td>{clientName(i.client_id)}</td>
              <td>
                <StatusBadge status={i.status} />
              </td>
              <td>{formatDate(i.due_at)}</td>
              <td className="num">
                <Money cents={i.total_cents} currency={i.currency} />
              </td>
              <td className="num">
                <Money cents={i.balance_cents} currency={i.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

type ItemDraft = { description: string; quantity: string; price: string; taxPercent: string };

export function InvoiceDetailPage({ id }: { id: string }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const clientName = useClientNames();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: [orgKey] });
  const q = useQuery({
    queryKey: [orgKey, "invoices", id],
    queryFn: async () => unwrap(await api.GET("/invoices/{id}", { params: { path: { id } } })),
  });
  const issue = useMutation({
    mutationFn: async () => unwrap(await api.POST("/invoices/{id}/issue", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const inv = q.data;
  return (
    <>
      <PageTitle
        actions={
          inv.status === "draft" && can("invoices.write") ? (
            <button type="button" className="primary" disabled={issue.isPending} onClick={() => issue.mutate()}>
              Issue invoice
            </button>
          ) : null
        }
      >
        Invoice {inv.number ?? "(draft)"}
      </PageTitle>
      <ErrorNote error={issue.error} />
      <dl className="facts card">
        <dt>Status</dt>
        <dd data-testid="invoice-status">
          <StatusBadge status={inv.status} />
        </dd>
        <dt>Client</dt>
        <dd>
          <Link to={`/clients/${inv.client_id}`}>{clientName(inv.client_id)}</Link>
        </dd>
        <dt>Issued</dt>
        <dd>{formatDate(inv.issued_at)}</dd>
        <dt>Due</dt>
        <dd>{formatDate(inv.due_at)}</dd>
        <dt>Total</dt>
        <dd>
          <Money cents={inv.total_cents} currency={inv.currency} /> (tax <Money cents={inv.tax_cents} currency={inv.currency} />)
        </dd>
        <dt>Paid</dt>
        <dd>
          <Money cents={inv.amount_paid_cents} currency={inv.currency} />
        </dd>
        <dt>Balance</dt>
        <dd data-testid="invoice-balance">
          <Money cents={inv.balance_cents} currency={inv.currency} />
        </dd>
      </dl>
      {inv.status === "draft" && can("invoices.write") ? <ItemsEditor invoice={inv} onSaved={refresh} /> : <ItemsTable invoice={inv} />}
      {can("payments.read") ? <Payments key={`${inv.status}:${inv.balance_cents}`} invoice={inv} onPaid={refresh} /> : null}
      {can("public_links.read") && inv.status !== "draft" && inv.status !== "void" ? <PublicLinks invoice={inv} /> : null}
      {inv.status !== "draft" ? <DisputesAndAdjustments invoice={inv} onChanged={refresh} /> : null}
    </>
  );
}

function ItemsTable({ invoice }: { invoice: Invoice }) {
  return (
    <section className="card" aria-labelledby="items">
      <h2 id="items">Items</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col" className="num">
              Unit price
            </th>
            <th scope="col" className="num">
              Tax
            </th>
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {invoice.items.map((it) => (
            <tr key={it.id}>
              <td>{it.description}</td>
              <td className="num">{it.quantity}</td>
              <td className="num">
                <Money cents={it.unit_price_cents} currency={invoice.currency} />
              </td>
              <td className="num">{it.tax_rate_bps / 100} %</td>
              <td className="num">
                <Money cents={it.total_cents} currency={invoice.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ItemsEditor({ invoice, onSaved }: { invoice: Invoice; onSaved: () => Promise<void> }) {
  const { api } = useSession();
  const [rows, setRows] = useState<ItemDraft[]>(() =>
    invoice.items.map((it) => ({
      description: it.description,
      quantity: String(it.quantity),
      price: (it.unit_price_cents / 100).toFixed(2),
      taxPercent: String(it.tax_rate_bps / 100),
    })),
  );
  const save = useMutation({
    mutationFn: async () => {
      const items = rows.map((r, i) => {
        const cents = parseMoney(r.price);
        if (cents === undefined) throw new Error(`Line ${i + 1}: enter the price as an amount, e.g. 80 or 80.50.`);
        return {
          description: r.description.trim(),
          quantity: Number(r.quantity),
          unit_price_cents: cents,
          tax_rate_bps: Math.round(Number(r.taxPercent) * 100),
        };
      });
      return unwrap(await api.PUT("/invoices/{id}/items", { params: { path: { id: invoice.id } }, body: { items } }));
    },
    onSuccess: onSaved,
  });
  const set = (i: number, patch: Partial<ItemDraft>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="items-edit">
      <h2 id="items-edit">Items (draft)</h2>
      {rows.map((r, i) => (
        <fieldset key={i} className="row item-row">
          <legend className="sr-only">Line {i + 1}</legend>
          <Field label="Description" id={`d-${i}`}>
            <input id={`d-${i}`} required value={r.description} onChange={(e) => set(i, { description: e.target.value })} />
          </Field>
          <Field label="Qty" id={`q-${i}`}>
            <input id={`q-${i}`} type="number" min={1} required value={r.quantity} onChange={(e) => set(i, { quantity: e.target.value })} />
          </Field>
          <Field label={`Unit price (${invoice.currency})`} id={`p-${i}`}>
            <input id={`p-${i}`} inputMode="decimal" required value={r.price} onChange={(e) => set(i, { price: e.target.value })} />
          </Field>
          <Field label="Tax %" id={`t-${i}`}>
            <input
              id={`t-${i}`}
              type="number"
              min={0}
              max={100}
              step="0.01"
              value={r.taxPercent}
              onChange={(e) => set(i, { taxPercent: e.target.value })}
            />
          </Field>
          <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} disabled={rows.length === 1}>
            Remove line {i + 1}
          </button>
        </fieldset>
      ))}
      <div className="row">
        <button type="button" onClick={() => setRows([...rows, { description: "", quantity: "1", price: "", taxPercent: "0" }])}>
          Add line
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          Save items
        </button>
      </div>
      <ErrorNote error={save.error} />
    </form>
  );
}

function Payments({ invoice, onPaid }: { invoice: Invoice; onPaid: () => Promise<void> }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const [amount, setAmount] = useState(() => (invoice.balance_cents / 100).toFixed(2));
  const [method, setMethod] = useState<"cash" | "bank_transfer" | "card">("bank_transfer");
  const list = useQuery({
    queryKey: [orgKey, "invoices", invoice.id, "payments"],
    queryFn: async () => unwrap(await api.GET("/invoices/{id}/payments", { params: { path: { id: invoice.id } } })).items,
  });
  const record = useMutation({
    mutationFn: async () => {
      const cents = parseMoney(amount);
      if (!cents) throw new Error("Enter the amount received, e.g. 80 or 80.50.");
      return unwrap(
        await api.POST("/invoices/{id}/payments", { params: { path: { id: invoice.id } }, body: { amount_cents: cents, method } }),
      );
    },
    onSuccess: async (p) => {
      setAmount((p.invoice.balance_cents / 100).toFixed(2));
      await onPaid();
    },
  });
  const open = invoice.status === "issued" || invoice.status === "partially_paid";
  return (
    <section className="card" aria-labelledby="payments">
      <h2 id="payments">Payments</h2>
      <ul className="plain">
        {(list.data ?? []).map((p) => (
          <li key={p.id}>
            {formatDateTime(p.received_at)} · {p.method.replaceAll("_", " ")} · <Money cents={p.amount_cents} currency={p.currency} />
          </li>
        ))}
        {list.data?.length === 0 ? <li className="muted">No payment yet.</li> : null}
      </ul>
      {open && can("payments.write") ? (
        <form
          className="row"
          aria-label="Record a payment"
          onSubmit={(e) => {
            e.preventDefault();
            record.mutate();
          }}
        >
          <Field label={`Amount (${invoice.currency})`} id="pay-amount">
            <input id="pay-amount" inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />
          </Field>
          <Field label="Method" id="pay-method">
            <select id="pay-method" value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
              <option value="bank_transfer">Bank transfer</option>
              <option value="cash">Cash</option>
              <option value="card">Card (terminal)</option>
            </select>
          </Field>
          <button type="submit" className="primary" disabled={record.isPending}>
            Record payment
          </button>
        </form>
      ) : null}
      <ErrorNote error={record.error} />
    </section>
  );
}

function PublicLinks({ invoice }: { invoice: Invoice }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const [created, setCreated] = useState<{ url: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [sendTo, setSendTo] = useState("");
  const key = [orgKey, "invoices", invoice.id, "links"];
  const list = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/invoices/{id}/public-links", { params: { path: { id: invoice.id } } })).items,
  });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST("/invoices/{id}/public-links", { params: { path: { id: invoice.id } }, body: {} })),
    onSuccess: async (l) => {
      setCreated({ url: l.url, token: l.token });
      setCopied(false);
      await qc.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: async (linkId: string) =>
      unwrap(await api.DELETE("/invoices/{id}/public-links/{link_id}", { params: { path: { id: invoice.id, link_id: linkId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/invoices/{id}/send", { params: { path: { id: invoice.id } }, body: { to_email: sendTo.trim() } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const copy = async () => {
    if (!created) return;
    await navigator.clipboard?.writeText(created.url).catch(() => undefined);
    setCopied(true);
  };
  return (
    <section className="card" aria-labelledby="links">
      <h2 id="links">Client links</h2>
      {created ? (
        <div className="notice" role="status">
          <p>Copy the link now: it is shown only once.</p>
          <div className="row">
            <label htmlFor="new-link" className="sr-only">
              New link
            </label>
            <input id="new-link" readOnly value={created.url} className="wide" onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => void copy()}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <ul className="plain">
        {(list.data ?? []).map((l) => (
          <li key={l.id}>
            Created {formatDateTime(l.created_at)} · {l.active ? `expires ${formatDate(l.expires_at)}` : "revoked or expired"} · viewed{" "}
            {l.view_count}×{" "}
            {l.active && can("public_links.write") ? (
              <button type="button" onClick={() => revoke.mutate(l.id)} disabled={revoke.isPending}>
                Revoke
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {can("public_links.write") ? (
        <div className="row">
          <button type="button" onClick={() => create.mutate()} disabled={create.isPending}>
            Create link
          </button>
          <form
            className="row"
            aria-label="Send the invoice"
            onSubmit={(e) => {
              e.preventDefault();
              send.mutate();
            }}
          >
            <label htmlFor="send-to">Send to</label>
            <input id="send-to" type="email" required value={sendTo} onChange={(e) => setSendTo(e.target.value)} />
            <button type="submit" disabled={send.isPending}>
              Send
            </button>
          </form>
          {send.isSuccess ? <span role="status">Queued for sending.</span> : null}
        </div>
      ) : null}
      <ErrorNote error={create.error ?? revoke.error ?? send.error} />
    </section>
  );
}

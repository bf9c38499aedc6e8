import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap, type Schemas } from "../api/client.ts";
import { formatDateTime, parseMoney } from "../app/format.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Money, StatusBadge } from "../components/ui.tsx";

type Invoice = Schemas["Invoice"];
type Kind = Schemas["Adjustment"]["kind"];

const KIND_LABEL: Record<Kind, string> = { refund: "Refund", credit: "Credit", write_off: "Write-off", chargeback: "Chargeback" };

/** Disputes and adjustments (refund, credit, write-off, chargeback) of one issued invoice, for the money roles. */
export function DisputesAndAdjustments({ invoice, onChanged }: { invoice: Invoice; onChanged: () => Promise<void> }) {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const path = { params: { path: { id: invoice.id } } };
  const key = [orgKey, "invoices", invoice.id, "disputes"];
  const disputes = useQuery({
    queryKey: key,
    enabled: can("disputes.read"),
    queryFn: async () => unwrap(await api.GET("/invoices/{id}/disputes", path)).items,
  });
  const adjustments = useQuery({
    queryKey: [...key, "adjustments"],
    enabled: can("adjustments.read"),
    queryFn: async () => unwrap(await api.GET("/invoices/{id}/adjustments", path)).items,
  });
  const changed = async () => {
    await qc.invalidateQueries({ queryKey: key });
    await onChanged();
  };
  const [reason, setReason] = useState("");
  const [disputeAmount, setDisputeAmount] = useState("");
  const open = useMutation({
    mutationFn: async () => {
      const cents = parseMoney(disputeAmount);
      if (!cents) throw new Error("Enter the amount disputed, e.g. 20 or 20.50.");
      return unwrap(await api.POST("/invoices/{id}/disputes", { ...path, body: { reason: reason.trim(), amount_cents: cents } }));
    },
    onSuccess: async () => {
      setReason("");
      setDisputeAmount("");
      await changed();
    },
  });
  const resolve = useMutation({
    mutationFn: async ({ id, outcome }: { id: string; outcome: "won" | "lost" | "refunded" }) =>
      unwrap(await api.POST("/disputes/{id}/resolve", { params: { path: { id } }, body: { outcome } })),
    onSuccess: changed,
  });
  const [kind, setKind] = useState<Kind>("credit");
  const [adjAmount, setAdjAmount] = useState("");
  const [note, setNote] = useState("");
  const adjust = useMutation({
    mutationFn: async () => {
      const cents = parseMoney(adjAmount);
      if (!cents) throw new Error("Enter the amount, e.g. 20 or 20.50.");
      return unwrap(
        await api.POST("/invoices/{id}/adjustments", {
          ...path,
          body: { kind, amount_cents: cents, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      );
    },
    onSuccess: async () => {
      setAdjAmount("");
      setNote("");
      await changed();
    },
  });
  if (!can("disputes.read") && !can("adjustments.read")) return null;
  return (
    <section className="card" aria-labelledby="disputes">
      <h2 id="disputes">Disputes and adjustments</h2>
      <ul className="plain">
        {(disputes.data ?? []).map((d) => (
          <li key={d.id}>
            Dispute opened {formatDateTime(d.opened_at)}: {d.reason} · <Money cents={d.amount_cents} currency={d.currency} />{" "}
            <StatusBadge status={d.status} />{" "}
            {d.status === "open" && can("disputes.write")
              ? (["won", "refunded", "lost"] as const).map((o) => (
                  <button key={o} type="button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: d.id, outcome: o })}>
                    Resolve: {o}
                  </button>
                ))
              : null}
          </li>
        ))}
        {(adjustments.data ?? []).map((a) => (
          <li key={a.id}>
            {KIND_LABEL[a.kind]} {formatDateTime(a.created_at)} · <Money cents={a.amount_cents} currency={a.currency} />
            {a.note ? ` · ${a.note}` : ""}
          </li>
        ))}
        {disputes.data?.length === 0 && adjustments.data?.length === 0 ? <li className="muted">None.</li> : null}
      </ul>
      {can("disputes.write") ? (
        <form
          className="row"
          aria-label="Open a dispute"
          onSubmit={(e) => {
            e.preventDefault();
            open.mutate();
          }}
        >
          <Field label="Dispute reason" id="dispute-reason">
            <input id="dispute-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <Field label={`Disputed amount (${invoice.currency})`} id="dispute-amount">
            <input
              id="dispute-amount"
              inputMode="decimal"
              required
              value={disputeAmount}
              onChange={(e) => setDisputeAmount(e.target.value)}
            />
          </Field>
          <button type="submit" disabled={open.isPending}>
            Open dispute
          </button>
        </form>
      ) : null}
      {can("adjustments.write") ? (
        <form
          className="row"
          aria-label="Record an adjustment"
          onSubmit={(e) => {
            e.preventDefault();
            adjust.mutate();
          }}
        >
          <Field label="Adjustment" id="adj-kind">
            <select id="adj-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field label={`Amount (${invoice.currency})`} id="adj-amount">
            <input id="adj-amount" inputMode="decimal" required value={adjAmount} onChange={(e) => setAdjAmount(e.target.value)} />
          </Field>
          <Field label="Note" id="adj-note">
            <input id="adj-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <button type="submit" disabled={adjust.isPending}>
            Record adjustment
          </button>
        </form>
      ) : null}
      <ErrorNote error={open.error ?? resolve.error ?? adjust.error} />
    </section>
  );
}

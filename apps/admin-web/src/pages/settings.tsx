import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { unwrap } from "../api/client.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, PageTitle } from "../components/ui.tsx";

export function SettingsPage() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: [orgKey, "settings"], queryFn: async () => unwrap(await api.GET("/org/settings")) });
  const [name, setName] = useState("");
  const [terms, setTerms] = useState("14");
  useEffect(() => {
    if (q.data) {
      setName(q.data.name);
      setTerms(String(q.data.payment_terms_days));
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: async () => unwrap(await api.PATCH("/org/settings", { body: { name: name.trim(), payment_terms_days: Number(terms) } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "settings"] }),
  });
  if (q.isPending) return <Loading />;
  const editable = can("org.update");
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <ErrorNote error={q.error} />
      <form
        className="card form"
        aria-label="Organization settings"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Field label="Organization name" id="s-name">
          <input id="s-name" required value={name} onChange={(e) => setName(e.target.value)} disabled={!editable} />
        </Field>
        <Field label="Payment terms (days)" id="s-terms" hint="Days from issuing an invoice to its due date.">
          <input
            id="s-terms"
            type="number"
            min={0}
            max={365}
            required
            value={terms}
            onChange={(e) => setTerms(e.target.value)}
            disabled={!editable}
          />
        </Field>
        <p className="muted">Slug: {q.data?.slug}</p>
        {editable ? (
          <button type="submit" className="primary" disabled={save.isPending}>
            Save settings
          </button>
        ) : null}
        {save.isSuccess ? <p role="status">Saved.</p> : null}
        <ErrorNote error={save.error} />
      </form>
    </>
  );
}

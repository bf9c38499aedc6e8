import { Link } from "../app/router.tsx";
import { useState, type FormEvent } from "react";
import type { OrgRequired } from "../api/client.ts";
import { useSessionStore } from "../app/session.tsx";
import { ErrorNote, Field } from "../components/ui.tsx";

/** Email and password; an account in several orgs then picks one (no token is issued before that choice). */
export function SignInPage({ notice }: { notice?: string | undefined }) {
  const { store } = useSessionStore();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [orgs, setOrgs] = useState<OrgRequired["orgs"] | null>(null);
  const [orgId, setOrgId] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await store.signIn(email, password, orgs ? orgId : undefined);
      if (result.kind === "org-required") {
        setOrgs(result.orgs);
        setOrgId(result.orgs[0]?.org_id ?? "");
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>CleanOps office</h1>
      <form onSubmit={(e) => void submit(e)} className="card" aria-label="Sign in">
        {notice ? <p className="notice">{notice}</p> : null}
        <Field label="Email" id="email">
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            disabled={!!orgs}
          />
        </Field>
        <Field label="Password" id="password">
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={!!orgs}
          />
        </Field>
        {orgs ? (
          <Field label="Organization" id="org">
            <select id="org" value={orgId} onChange={(e) => setOrgId(e.target.value)}>
              {orgs.map((o) => (
                <option key={o.org_id} value={o.org_id}>
                  {o.name} ({o.role})
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <ErrorNote error={error} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {orgs ? "Continue" : "Sign in"}
          </button>
          {orgs ? (
            <button type="button" onClick={() => setOrgs(null)}>
              Back
            </button>
          ) : null}
        </div>
      </form>
      <p>
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
    </main>
  );
}

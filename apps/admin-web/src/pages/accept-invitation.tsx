import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client.ts";
import { useRouter } from "../app/router.tsx";
import { useSessionStore } from "../app/session.tsx";
import { ErrorNote, Field } from "../components/ui.tsx";

/**
 * The link of an invitation mail: `/invitations/accept?token=…`. Accepting signs in (or creates the account); the
 * session admin-api answers with carries its refresh token in JSON, so this page ends that one at once and signs the
 * browser in the cookie way instead (the refresh token never stays in script memory).
 */
export function AcceptInvitationPage() {
  const { store } = useSessionStore();
  const { location, navigate } = useRouter();
  const token = location.search.get("token") ?? "";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const accepted = await store.api.POST("/invitations/accept", {
        body: { token, email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) },
      });
      if (!accepted.response.ok || !accepted.data) throw new ApiError(accepted.response.status, accepted.error);
      await store.api.POST("/auth/logout", { body: { refresh_token: accepted.data.refresh_token } });
      await store.signIn(email.trim(), password, accepted.data.org.org_id);
      navigate("/", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <h1>Join your team on CleanOps</h1>
      <form className="card" onSubmit={(e) => void submit(e)} aria-label="Accept invitation">
        {!token ? <p className="error">This link has no invitation token: open the link from the mail again.</p> : null}
        <Field label="Email (the address invited)" id="inv-email">
          <input id="inv-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field
          label="Password"
          id="inv-password"
          hint="Your password if you have an account; otherwise choose one (at least 10 characters)."
        >
          <input
            id="inv-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field label="Your name (new accounts)" id="inv-name">
          <input id="inv-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || !token}>
          Accept invitation
        </button>
      </form>
    </main>
  );
}

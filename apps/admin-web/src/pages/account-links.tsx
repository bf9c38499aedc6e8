import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client.ts";
import { useRouter } from "../app/router.tsx";
import { useSessionStore } from "../app/session.tsx";
import { ErrorNote, Field } from "../components/ui.tsx";

/**
 * The links of account mails (`/reset-password?token=…`, `/verify-email?token=…`) and the "forgot password" form.
 * They work signed out; admin-api answers a reset request the same whether or not the address has an account, so
 * this page says the same thing either way.
 */
export function ResetPasswordPage() {
  const { store } = useSessionStore();
  const { location, navigate } = useRouter();
  const token = location.search.get("token") ?? "";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (token) {
        const r = await store.api.POST("/auth/password-reset/confirm", { body: { token, password } });
        if (!r.response.ok) throw new ApiError(r.response.status, r.error);
        setDone("Your password is changed and every other session is signed out. Sign in with the new password.");
      } else {
        const r = await store.api.POST("/auth/password-reset", { body: { email: email.trim() } });
        if (!r.response.ok) throw new ApiError(r.response.status, r.error);
        setDone("If an account uses this address, a mail with a reset link is on its way. The link works for 30 minutes.");
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <h1>{token ? "Choose a new password" : "Reset your password"}</h1>
      {done ? (
        <div className="card">
          <p role="status">{done}</p>
          <button type="button" className="primary" onClick={() => navigate("/", { replace: true })}>
            Go to sign-in
          </button>
        </div>
      ) : (
        <form className="card" onSubmit={(e) => void submit(e)} aria-label={token ? "New password" : "Reset password"}>
          {token ? (
            <Field label="New password" id="reset-password" hint="At least 10 characters.">
              <input
                id="reset-password"
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </Field>
          ) : (
            <Field label="Email" id="reset-email">
              <input
                id="reset-email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
          )}
          <ErrorNote error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {token ? "Set password" : "Send reset link"}
          </button>
        </form>
      )}
    </main>
  );
}

export function VerifyEmailPage() {
  const { store } = useSessionStore();
  const { location, navigate } = useRouter();
  const token = location.search.get("token") ?? "";
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A button, not an automatic call on load: mail scanners open links, and only a person should spend the token.
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await store.api.POST("/auth/verify-email", { body: { token } });
      if (!r.response.ok) throw new ApiError(r.response.status, r.error);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <h1>Confirm your email address</h1>
      <div className="card">
        {done ? (
          <>
            <p role="status">Your address is confirmed.</p>
            <button type="button" className="primary" onClick={() => navigate("/", { replace: true })}>
              Continue
            </button>
          </>
        ) : (
          <>
            {!token ? <p className="error">This link has no token: open the link from the mail again.</p> : null}
            <ErrorNote error={error} />
            <button type="button" className="primary" disabled={busy || !token} onClick={() => void verify()}>
              Confirm address
            </button>
          </>
        )}
      </div>
    </main>
  );
}

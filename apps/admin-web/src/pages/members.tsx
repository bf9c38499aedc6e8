import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap, type Schemas } from "../api/client.ts";
import { formatDate } from "../app/format.ts";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Field, Loading, PageTitle } from "../components/ui.tsx";

type Role = Schemas["Membership"]["role"];
const ROLES: Role[] = ["owner", "admin", "dispatcher", "finance"];

export function MembersPage() {
  const { api, orgKey, session } = useSession();
  const { can } = useCapabilities();
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("dispatcher");
  const [link, setLink] = useState<string | null>(null);
  const members = useQuery({ queryKey: [orgKey, "memberships"], queryFn: async () => unwrap(await api.GET("/memberships")).memberships });
  const invitations = useQuery({
    queryKey: [orgKey, "invitations"],
    queryFn: async () => unwrap(await api.GET("/invitations")).invitations,
  });
  const invite = useMutation({
    mutationFn: async () => unwrap(await api.POST("/invitations", { body: { email: email.trim(), role } })),
    onSuccess: async (r) => {
      // With a mail server admin-api mails the link and never shows the token here.
      setLink(r.token ? `${window.location.origin}/invitations/accept?token=${encodeURIComponent(r.token)}` : null);
      setEmail("");
      await qc.invalidateQueries({ queryKey: [orgKey, "invitations"] });
    },
  });
  const withdraw = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE("/invitations/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "invitations"] }),
  });
  const changeRole = useMutation({
    mutationFn: async ({ id, to }: { id: string; to: Role }) =>
      unwrap(await api.PATCH("/memberships/{id}", { params: { path: { id } }, body: { role: to } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "memberships"] }),
  });
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE("/memberships/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [orgKey, "memberships"] }),
  });
  // Only roles up to one's own are offered; admin-api refuses the rest anyway.
  const grantable = ROLES.filter((r) => r !== "owner" || session.role === "owner");
  return (
    <>
      <PageTitle>Members and invitations</PageTitle>
      <ErrorNote error={members.error ?? invitations.error ?? withdraw.error ?? changeRole.error ?? revoke.error} />
      {members.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            {can("members.manage") ? <th scope="col">Manage</th> : null}
          </tr>
        </thead>
        <tbody>
          {(members.data ?? [])
            .filter((m) => !m.revoked_at)
            .map((m) => (
              <tr key={m.id}>
                <td>{m.user.name ?? "—"}</td>
                <td>{m.user.email}</td>
                <td>
                  {can("members.manage") && m.user.id !== session.user.id ? (
                    <>
                      <label htmlFor={`role-${m.id}`} className="sr-only">
                        Role of {m.user.email}
                      </label>
                      <select
                        id={`role-${m.id}`}
                        value={m.role}
                        onChange={(e) => changeRole.mutate({ id: m.id, to: e.target.value as Role })}
                      >
                        {(m.role === "owner" ? ROLES : grantable).map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </>
                  ) : (
                    m.role
                  )}
                </td>
                <td>{formatDate(m.created_at)}</td>
                {can("members.manage") ? (
                  <td>
                    {m.user.id !== session.user.id ? (
                      <button
                        type="button"
                        disabled={revoke.isPending}
                        onClick={() => window.confirm(`Revoke ${m.user.email}'s access to this organization?`) && revoke.mutate(m.id)}
                      >
                        Revoke {m.user.email}
                      </button>
                    ) : (
                      <span className="muted">you</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
        </tbody>
      </table>
      <section className="card" aria-labelledby="invites">
        <h2 id="invites">Pending invitations</h2>
        <ul className="plain">
          {(invitations.data ?? []).map((i) => (
            <li key={i.id}>
              {i.email} as {i.role}, expires {formatDate(i.expires_at)}{" "}
              {can("members.invite") ? (
                <button type="button" onClick={() => withdraw.mutate(i.id)}>
                  Withdraw
                </button>
              ) : null}
            </li>
          ))}
          {invitations.data?.length === 0 ? <li className="muted">None.</li> : null}
        </ul>
        {link ? (
          <div className="notice" role="status">
            <p>Send this link to the person invited (shown once):</p>
            <label htmlFor="invite-link" className="sr-only">
              Invitation link
            </label>
            <input id="invite-link" readOnly className="wide" value={link} onFocus={(e) => e.target.select()} />
          </div>
        ) : null}
        {can("members.invite") ? (
          <form
            className="row"
            aria-label="Invite"
            onSubmit={(e) => {
              e.preventDefault();
              invite.mutate();
            }}
          >
            <Field label="Email" id="invite-email">
              <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label="Role" id="invite-role">
              <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {grantable.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Field>
            <button type="submit" className="primary" disabled={invite.isPending}>
              Invite
            </button>
          </form>
        ) : null}
        <ErrorNote error={invite.error} />
      </section>
    </>
  );
}

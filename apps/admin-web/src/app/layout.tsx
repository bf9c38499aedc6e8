import { useState, type ReactNode } from "react";
import { Link, useRouter } from "./router.tsx";
import { useCapabilities, useSession } from "./session.tsx";

const NAV: { to: string; label: string; capability: string }[] = [
  { to: "/", label: "Today", capability: "bookings.read" },
  { to: "/dispatch", label: "Dispatch", capability: "teams.read" },
  { to: "/bookings", label: "Bookings", capability: "bookings.read" },
  { to: "/clients", label: "Clients", capability: "clients.read" },
  { to: "/invoices", label: "Invoices", capability: "invoices.read" },
  { to: "/subscriptions", label: "Subscriptions", capability: "subscriptions.read" },
  { to: "/leads", label: "Leads", capability: "leads.read" },
  { to: "/teams", label: "Teams", capability: "teams.read" },
  { to: "/members", label: "Members", capability: "members.read" },
  { to: "/audit", label: "Audit log", capability: "audit.read" },
  { to: "/settings", label: "Settings", capability: "org.read" },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, store } = useSession();
  const { can } = useCapabilities();
  const { navigate } = useRouter();
  const [switching, setSwitching] = useState(false);
  const [me] = useState(() => session.user);

  const switchTo = async (orgId: string) => {
    setSwitching(true);
    try {
      await store.switchOrg(orgId);
      navigate("/", { replace: true });
    } finally {
      setSwitching(false);
    }
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">CleanOps</span>
        <span className="org" data-testid="current-org">
          {session.org.name} · <span className="role">{session.role}</span>
        </span>
        <OrgSwitcher onSwitch={(id) => void switchTo(id)} disabled={switching} />
        <span className="user">{me.name ?? me.email}</span>
        <button type="button" onClick={() => void store.signOut().then(() => navigate("/", { replace: true }))}>
          Sign out
        </button>
      </header>
      <nav aria-label="Main" className="sidebar">
        <ul>
          {NAV.filter((n) => can(n.capability)).map((n) => (
            <li key={n.to}>
              <Link to={n.to}>{n.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        {children}
      </main>
    </div>
  );
}

function OrgSwitcher({ onSwitch, disabled }: { onSwitch: (orgId: string) => void; disabled: boolean }) {
  const { session, api, orgKey } = useSession();
  const [open, setOpen] = useState(false);
  const [orgs, setOrgs] = useState<{ org_id: string; name: string; role: string }[] | null>(null);
  const load = async () => {
    setOpen(true);
    const res = await api.GET("/me");
    if (res.data) setOrgs(res.data.memberships);
  };
  if (!open) {
    return (
      <button type="button" onClick={() => void load()} key={orgKey}>
        Switch org
      </button>
    );
  }
  const others = (orgs ?? []).filter((o) => o.org_id !== session.org.org_id);
  return (
    <span className="switcher">
      <label htmlFor="switch-org">Organization</label>
      <select
        id="switch-org"
        disabled={disabled || !orgs}
        defaultValue=""
        onChange={(e) => {
          if (e.target.value) onSwitch(e.target.value);
        }}
      >
        <option value="">{orgs ? (others.length ? "Choose…" : "No other org") : "Loading…"}</option>
        {others.map((o) => (
          <option key={o.org_id} value={o.org_id}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </span>
  );
}

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "../api/client.ts";
import { ResetPasswordPage, VerifyEmailPage } from "../pages/account-links.tsx";
import { AcceptInvitationPage } from "../pages/accept-invitation.tsx";
import { AuditPage } from "../pages/audit.tsx";
import { BookingDetailPage, BookingsPage, NewBookingPage } from "../pages/bookings.tsx";
import { ClientDetailPage, ClientsPage, NewClientPage } from "../pages/clients.tsx";
import { DispatchPage } from "../pages/dispatch.tsx";
import { InvoiceDetailPage, InvoicesPage } from "../pages/invoices.tsx";
import { LeadsPage } from "../pages/leads.tsx";
import { MembersPage } from "../pages/members.tsx";
import { SettingsPage } from "../pages/settings.tsx";
import { SignInPage } from "../pages/sign-in.tsx";
import { SubscriptionsPage } from "../pages/subscriptions.tsx";
import { TeamsPage } from "../pages/teams.tsx";
import { TodayPage } from "../pages/today.tsx";
import { Layout } from "./layout.tsx";
import { matchPath, Router, useRouter } from "./router.tsx";
import { SessionProvider, useSessionStore } from "./session.tsx";
import type { SessionStore } from "./session-store.ts";

type Screen = { path: string; render: (params: Record<string, string>, search: URLSearchParams) => ReactNode };

const SCREENS: Screen[] = [
  { path: "/", render: () => <TodayPage /> },
  { path: "/dispatch", render: () => <DispatchPage /> },
  { path: "/bookings", render: () => <BookingsPage /> },
  { path: "/bookings/new", render: (_, s) => <NewBookingPage clientId={s.get("client") ?? undefined} /> },
  { path: "/bookings/:id", render: (p) => <BookingDetailPage id={p.id ?? ""} key={p.id} /> },
  { path: "/clients", render: () => <ClientsPage /> },
  { path: "/clients/new", render: () => <NewClientPage /> },
  { path: "/clients/:id", render: (p) => <ClientDetailPage id={p.id ?? ""} key={p.id} /> },
  { path: "/invoices", render: () => <InvoicesPage /> },
  { path: "/invoices/:id", render: (p) => <InvoiceDetailPage id={p.id ?? ""} key={p.id} /> },
  { path: "/subscriptions", render: () => <SubscriptionsPage /> },
  { path: "/leads", render: () => <LeadsPage /> },
  { path: "/teams", render: () => <TeamsPage /> },
  { path: "/members", render: () => <MembersPage /> },
  { path: "/audit", render: () => <AuditPage /> },
  { path: "/settings", render: () => <SettingsPage /> },
];

function Screens() {
  const { state } = useSessionStore();
  const { location } = useRouter();
  // Public pages (links from mails) work signed in or not.
  if (location.pathname === "/invitations/accept" || location.pathname === "/accept-invitation") return <AcceptInvitationPage />;
  if (location.pathname === "/reset-password") return <ResetPasswordPage />;
  if (location.pathname === "/verify-email") return <VerifyEmailPage />;
  if (state.status === "loading") {
    return (
      <main id="main" className="sign-in">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (state.status === "signed-out") return <SignInPage notice={state.reason} />;
  for (const s of SCREENS) {
    const params = matchPath(s.path, location.pathname);
    if (params) return <Layout key={state.session.org.org_id}>{s.render(params, location.search)}</Layout>;
  }
  return (
    <Layout>
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
    </Layout>
  );
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again (404 of another org's id, 403 of the role).
        retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function App({ store, queryClient }: { store: SessionStore; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <QueryClientProvider client={client}>
      <SessionProvider store={store}>
        <Router>
          <Screens />
        </Router>
      </SessionProvider>
    </QueryClientProvider>
  );
}

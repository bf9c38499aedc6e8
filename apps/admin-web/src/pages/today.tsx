import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client.ts";
import { dayRange } from "../app/bookings-data.ts";
import { formatDate, formatMoney, formatTime, localDate } from "../app/format.ts";
import { useBookingsBetween, useClientNames, useTeams } from "../app/queries.ts";
import { Link } from "../app/router.tsx";
import { useCapabilities, useSession } from "../app/session.tsx";
import { ErrorNote, Loading, PageTitle, StatusBadge } from "../components/ui.tsx";

type Invoice = Schemas["Invoice"];

/** Totals per currency: an org may invoice in more than one. */
function totals(invoices: Invoice[]): string {
  const by = new Map<string, number>();
  for (const i of invoices) by.set(i.currency, (by.get(i.currency) ?? 0) + i.balance_cents);
  return [...by].map(([c, v]) => formatMoney(v, c)).join(" + ") || formatMoney(0, "EUR");
}

export function TodayPage() {
  const today = localDate(new Date());
  const { from, to } = dayRange(today);
  const bookings = useBookingsBetween(from, to);
  const teams = useTeams();
  const clientName = useClientNames();
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  const unpaid = useQuery({
    queryKey: [orgKey, "invoices", "unpaid"],
    enabled: can("invoices.read"),
    queryFn: async () => {
      const [issued, partial] = await Promise.all([
        api.GET("/invoices", { params: { query: { status: "issued", limit: 100 } } }),
        api.GET("/invoices", { params: { query: { status: "partially_paid", limit: 100 } } }),
      ]);
      return [...unwrap(issued).items, ...unwrap(partial).items];
    },
  });
  const list = bookings.data ?? [];
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const groups = new Map<string, typeof list>();
  for (const b of list) {
    const key = b.team_id ? (teamName.get(b.team_id) ?? "Team") : "Unassigned";
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const now = Date.now();
  const overdue = (unpaid.data ?? []).filter((i) => i.due_at && new Date(i.due_at).getTime() < now);

  return (
    <>
      <PageTitle>Today, {formatDate(new Date().toISOString())}</PageTitle>
      <ErrorNote error={bookings.error ?? unpaid.error} />
      <div className="grid">
        <section className="card" aria-labelledby="jobs-today">
          <h2 id="jobs-today">Jobs today ({list.length})</h2>
          {bookings.isPending ? <Loading /> : null}
          {list.length === 0 && bookings.isSuccess ? <p className="muted">No jobs today.</p> : null}
          {[...groups].map(([team, jobs]) => (
            <div key={team}>
              <h3>
                {team} ({jobs.length})
              </h3>
              <ul className="plain">
                {jobs.map((b) => (
                  <li key={b.id}>
                    <Link to={`/bookings/${b.id}`}>
                      {formatTime(b.starts_at)} {clientName(b.client_id)}
                    </Link>{" "}
                    <StatusBadge status={b.status} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        {can("invoices.read") ? (
          <section className="card" aria-labelledby="money-today">
            <h2 id="money-today">Unpaid invoices</h2>
            {unpaid.isPending ? <Loading /> : null}
            <dl className="stats">
              <dt>Unpaid ({unpaid.data?.length ?? 0})</dt>
              <dd data-testid="unpaid-total">{totals(unpaid.data ?? [])}</dd>
              <dt>Overdue ({overdue.length})</dt>
              <dd data-testid="overdue-total">{totals(overdue)}</dd>
            </dl>
            <ul className="plain">
              {overdue.slice(0, 10).map((i) => (
                <li key={i.id}>
                  <Link to={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> due {formatDate(i.due_at)} ·{" "}
                  {formatMoney(i.balance_cents, i.currency)}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </>
  );
}

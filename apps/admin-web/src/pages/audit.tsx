import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../api/client.ts";
import { formatDateTime } from "../app/format.ts";
import { useSession } from "../app/session.tsx";
import { ErrorNote, Loading, PageTitle } from "../components/ui.tsx";

export function AuditPage() {
  const { api, orgKey } = useSession();
  const [action, setAction] = useState("");
  const [entityType, setEntityType] = useState("");
  const q = useQuery({
    queryKey: [orgKey, "audit", action, entityType],
    queryFn: async () =>
      unwrap(
        await api.GET("/audit-logs", {
          params: {
            query: {
              limit: 100,
              ...(action.trim() ? { action: action.trim() } : {}),
              ...(entityType.trim() ? { entity_type: entityType.trim() } : {}),
            },
          },
        }),
      ),
  });
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <div className="filters row">
        <label htmlFor="a-action">Action</label>
        <input id="a-action" value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. booking.assigned" />
        <label htmlFor="a-entity">Entity type</label>
        <input id="a-entity" value={entityType} onChange={(e) => setEntityType(e.target.value)} placeholder="e.g. invoice" />
      </div>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Entity</th>
            <th scope="col">Changes</th>
          </tr>
        </thead>
        <tbody>
          {(q.data?.items ?? []).map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.created_at)}</td>
              <td>{e.action}</td>
              <td>{e.entity_type}</td>
              <td>
                <code className="changes">{JSON.stringify(e.changes)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../api/client.ts";
import type { Booking } from "./bookings-data.ts";
import { useCapabilities, useSession } from "./session.tsx";

/** Active teams (the dispatch board's columns); empty for roles that may not read teams. */
export function useTeams() {
  const { api, orgKey } = useSession();
  const { can } = useCapabilities();
  return useQuery({
    queryKey: [orgKey, "teams"],
    enabled: can("teams.read"),
    queryFn: async () => unwrap(await api.GET("/teams", { params: { query: { limit: 100 } } })).items,
  });
}

/** Client names by id, for the rows that only carry a client_id. */
export function useClientNames() {
  const { api, orgKey } = useSession();
  const q = useQuery({
    queryKey: [orgKey, "clients", "names"],
    queryFn: async () => unwrap(await api.GET("/clients", { params: { query: { limit: 100, include_archived: "true" } } })).items,
  });
  const names = new Map((q.data ?? []).map((c) => [c.id, c.name]));
  return (id: string) => names.get(id) ?? "Client";
}

/** The bookings that start in [from, to). */
export function useBookingsBetween(from: string, to: string) {
  const { api, orgKey } = useSession();
  return useQuery({
    queryKey: [orgKey, "bookings", "between", from, to],
    queryFn: async (): Promise<Booking[]> => {
      // A busy week is more than one page: follow the cursor (bounded, the board is not an export).
      const items: Booking[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = unwrap(await api.GET("/bookings", { params: { query: { from, to, limit: 100, ...(cursor ? { cursor } : {}) } } }));
        items.push(...res.items);
        if (!res.next_cursor) break;
        cursor = res.next_cursor;
      }
      return items.sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    },
  });
}

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from "react";
import { unwrap, type Api, type BrowserSession } from "../api/client.ts";
import type { SessionState, SessionStore } from "./session-store.ts";

type SessionValue = { store: SessionStore; state: SessionState };

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (store.getState().status === "loading") void store.restore();
  }, [store]);
  // Another org, user or nobody: what was cached for the previous one is dropped (every key starts with the
  // session's key, so nothing of it could show anyway; this frees it). The current key's queries stay mounted.
  const key = state.status === "signed-in" ? sessionKey(state.session) : state.status;
  useEffect(() => {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== key });
  }, [key, queryClient]);
  return <SessionContext.Provider value={{ store, state }}>{children}</SessionContext.Provider>;
}

/** The first element of every query key: data is cached per user and org. */
const sessionKey = (s: BrowserSession) => `${s.user.id}:${s.org.org_id}`;

export function useSessionStore(): SessionValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSessionStore outside <SessionProvider>");
  return ctx;
}

/** The signed-in session, the typed API and what the role may do. Only for screens behind the sign-in. */
export function useSession(): { session: BrowserSession; api: Api; store: SessionStore; orgKey: string } {
  const { store, state } = useSessionStore();
  if (state.status !== "signed-in") throw new Error("useSession while signed out");
  return { session: state.session, api: store.api, store, orgKey: sessionKey(state.session) };
}

/**
 * The capabilities of the caller's role from admin-api's permission matrix (`GET /me/capabilities`): screens hide
 * what the role may not do. A hint only: admin-api checks every call itself.
 */
export function useCapabilities(): { can: (capability: string) => boolean; loaded: boolean } {
  const { api, orgKey } = useSession();
  const q = useQuery({
    queryKey: [orgKey, "capabilities"],
    queryFn: async () => unwrap(await api.GET("/me/capabilities")),
    staleTime: 60_000,
  });
  const set = new Set<string>(q.data?.capabilities ?? []);
  return { can: (c) => set.has(c), loaded: q.isSuccess };
}

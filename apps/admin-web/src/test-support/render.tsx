import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { configure, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { Router } from "../app/router.tsx";
import { SessionProvider, useSessionStore } from "../app/session.tsx";
import { SessionStore } from "../app/session-store.ts";
import { BASE } from "./fake-api.ts";

// findBy*/waitFor give up after 1 s by default; on a loaded 2-core machine a page's first render can take longer.
configure({ asyncUtilTimeout: 20_000 });

function SignedIn({ children }: { children: ReactNode }) {
  const { state } = useSessionStore();
  return state.status === "signed-in" ? <>{children}</> : <p>signing in</p>;
}

/** Renders `ui` behind a session that the fake admin-api restores from its "cookie". */
export function renderSignedIn(ui: ReactNode, fetchImpl: typeof fetch) {
  const store = new SessionStore(BASE, fetchImpl);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider store={store}>
        <Router>
          <SignedIn>{ui}</SignedIn>
        </Router>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { ...result, store };
}

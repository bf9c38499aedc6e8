import { ApiError, createApi, CSRF_HEADERS, type Api, type BrowserSession, type OrgRequired } from "../api/client.ts";

export type SessionState =
  { status: "loading" } | { status: "signed-out"; reason?: string } | { status: "signed-in"; session: BrowserSession };

/**
 * Runs a refresh under a lock shared by the app's tabs (Web Locks, where the browser has them): tabs share the
 * cookie, so two tabs refreshing at once would present the same refresh token twice; in turn, each sends the newest.
 */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? (locks.request("cleanops-admin-refresh", work) as Promise<T>) : work();
}

export type SignInResult = { kind: "signed-in" } | { kind: "org-required"; orgs: OrgRequired["orgs"] };

/**
 * The browser's sign-in. The access token lives only in this object's memory (never in storage, so a script injected
 * later finds nothing to carry away); the refresh token is an HttpOnly cookie that admin-api sets and rotates, which
 * is how a reload restores the session. Refreshes are shared: one in flight at a time, because a refresh token works
 * once and a second concurrent use would look like theft to admin-api (and end the sign-in).
 */
export class SessionStore {
  readonly api: Api;
  private state: SessionState = { status: "loading" };
  private readonly listeners = new Set<() => void>();
  private inflight: Promise<BrowserSession | undefined> | undefined;

  constructor(baseUrl?: string, fetchImpl?: typeof fetch) {
    this.api = createApi({ current: () => this.token(), renew: async () => (await this.restore())?.access_token }, baseUrl, fetchImpl);
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private token(): string | undefined {
    return this.state.status === "signed-in" ? this.state.session.access_token : undefined;
  }

  private set(next: SessionState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }

  /** A new access token from the refresh cookie (page load, or after one expired); signed out when there is none. */
  restore(): Promise<BrowserSession | undefined> {
    this.inflight ??= (async () => {
      try {
        const { data, response } = await acrossTabs(() => this.api.POST("/auth/session/refresh", { headers: CSRF_HEADERS }));
        if (response.ok && data) {
          this.set({ status: "signed-in", session: data });
          return data;
        }
        this.set({
          status: "signed-out",
          ...(response.status === 401 && this.state.status === "signed-in" ? { reason: "Your session ended; sign in again." } : {}),
        });
        return undefined;
      } catch {
        this.set({ status: "signed-out", reason: "admin-api is not reachable." });
        return undefined;
      }
    })().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async signIn(email: string, password: string, orgId?: string): Promise<SignInResult> {
    const result = await this.api.POST("/auth/session", { body: { email, password, ...(orgId ? { org_id: orgId } : {}) } });
    if (!result.response.ok || !result.data) throw new ApiError(result.response.status, result.error);
    if ("org_required" in result.data) return { kind: "org-required", orgs: result.data.orgs };
    this.set({ status: "signed-in", session: result.data });
    return { kind: "signed-in" };
  }

  async switchOrg(orgId: string): Promise<void> {
    const result = await this.api.POST("/auth/session/switch-org", { body: { org_id: orgId } });
    if (!result.response.ok || !result.data) throw new ApiError(result.response.status, result.error);
    this.set({ status: "signed-in", session: result.data });
  }

  async signOut(): Promise<void> {
    try {
      await this.api.DELETE("/auth/session", { headers: CSRF_HEADERS });
    } finally {
      this.set({ status: "signed-out" });
    }
  }
}

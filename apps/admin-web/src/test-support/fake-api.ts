import type { BrowserSession } from "../api/client.ts";

export const BASE = "http://admin-web.test/api";

type Handler = (req: Request, body: unknown) => Response | Promise<Response>;

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

export const apiError = (status: number, code: string, message: string) => json(status, { error: { code, message, request_id: "req-1" } });

export function sessionFor(role: BrowserSession["role"], accessToken = "access-1"): BrowserSession {
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: 900,
    access_token_expires_at: "2026-12-03T12:15:00.000Z",
    refresh_token_expires_at: "2027-01-02T12:00:00.000Z",
    org: { org_id: "00000000-0000-4000-8000-000000000001", name: "Bright Homes", slug: "bright-homes" },
    role,
    user: { id: "00000000-0000-4000-8000-0000000000aa", email: "someone@example.test", name: "Someone" },
  };
}

/**
 * A stand-in for admin-api: `"POST /auth/session/refresh"` → handler. Records every call (method, path, headers)
 * so tests can assert what the app sent; an unrouted call is a 404 the test will notice.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; headers: Headers; body: unknown }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const path = new URL(req.url).pathname.replace(/^\/api/, "");
    const text = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    calls.push({ method: req.method, path, headers: req.headers, body });
    const exact = routes[`${req.method} ${path}`];
    if (exact) return exact(req, body);
    for (const [key, handler] of Object.entries(routes)) {
      const [method, pattern] = key.split(" ");
      const re = new RegExp(`^${(pattern ?? "").replace(/:[a-z_]+/g, "[^/]+")}$`);
      if (method === req.method && re.test(path)) return handler(req, body);
    }
    return apiError(404, "not_found", `unrouted ${req.method} ${path}`);
  };
  return { fetchImpl, calls };
}

// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { apiError, BASE, fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { SessionStore } from "./session-store.ts";

describe("SessionStore", () => {
  it("restores from the cookie once however many callers ask at the same time, with the CSRF header", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const api = fakeApi({
      "POST /auth/session/refresh": async () => {
        await gate;
        return json(200, sessionFor("owner", "fresh"));
      },
    });
    const store = new SessionStore(BASE, api.fetchImpl);
    const all = Promise.all([store.restore(), store.restore(), store.restore()]);
    release();
    const sessions = await all;
    expect(sessions.map((s) => s?.access_token)).toEqual(["fresh", "fresh", "fresh"]);
    // One refresh: a second concurrent use of the same refresh token would revoke the whole sign-in.
    expect(api.calls.filter((c) => c.path === "/auth/session/refresh")).toHaveLength(1);
    expect(api.calls[0]?.headers.get("X-CleanOps-CSRF")).toBe("1");
    expect(store.getState()).toMatchObject({ status: "signed-in" });
  });

  it("is signed out when there is no cookie session", async () => {
    const api = fakeApi({ "POST /auth/session/refresh": () => apiError(401, "refresh_token_invalid", "No browser session.") });
    const store = new SessionStore(BASE, api.fetchImpl);
    expect(await store.restore()).toBeUndefined();
    expect(store.getState()).toEqual({ status: "signed-out" });
  });

  it("asks which org when the account has several, and keeps the access token out of web storage", async () => {
    const orgs = [
      { org_id: "00000000-0000-4000-8000-000000000001", name: "A", slug: "a", role: "owner" as const },
      { org_id: "00000000-0000-4000-8000-000000000002", name: "B", slug: "b", role: "finance" as const },
    ];
    const api = fakeApi({
      "POST /auth/session": (_req, body) =>
        (body as { org_id?: string }).org_id
          ? json(200, sessionFor("finance", "secret-access-token"))
          : json(200, { org_required: true, user: { id: "u", email: "x@example.test", name: null }, orgs }),
    });
    const store = new SessionStore(BASE, api.fetchImpl);
    expect(await store.signIn("x@example.test", "password-123")).toEqual({ kind: "org-required", orgs });
    expect(store.getState().status).toBe("loading");
    expect(await store.signIn("x@example.test", "password-123", orgs[1]?.org_id)).toEqual({ kind: "signed-in" });
    expect(store.getState()).toMatchObject({ status: "signed-in", session: { role: "finance" } });
    const stored = JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }) + document.cookie;
    expect(stored).not.toContain("secret-access-token");
  });

  it("shows admin-api's refusal of a sign-in as an error with its code", async () => {
    const api = fakeApi({ "POST /auth/session": () => apiError(401, "invalid_credentials", "Wrong email or password.") });
    const store = new SessionStore(BASE, api.fetchImpl);
    await expect(store.signIn("x@example.test", "nope-nope-nope")).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
  });
});

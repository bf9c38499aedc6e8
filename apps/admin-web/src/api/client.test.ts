import { describe, expect, it } from "vitest";
import { apiError, BASE, fakeApi, json } from "../test-support/fake-api.ts";
import { ApiError, createApi, unwrap } from "./client.ts";

describe("the typed admin-api client", () => {
  it("sends the in-memory access token, and after a 401 renews it once and repeats the call", async () => {
    let token = "old";
    let renewals = 0;
    const api = fakeApi({
      "GET /clients": (req) =>
        req.headers.get("authorization") === "Bearer new"
          ? json(200, { items: [], next_cursor: null })
          : apiError(401, "token_expired", "Expired."),
    });
    const client = createApi(
      {
        current: () => token,
        renew: () => {
          renewals++;
          token = "new";
          return Promise.resolve(token);
        },
      },
      BASE,
      api.fetchImpl,
    );
    const page = unwrap(await client.GET("/clients", { params: { query: { limit: 10 } } }));
    expect(page.items).toEqual([]);
    expect(renewals).toBe(1);
    expect(api.calls.map((c) => c.headers.get("authorization"))).toEqual(["Bearer old", "Bearer new"]);
  });

  it("does not renew on the session routes' own 401s, and turns an error body into ApiError", async () => {
    let renewals = 0;
    const api = fakeApi({ "POST /auth/session": () => apiError(401, "invalid_credentials", "Wrong email or password.") });
    const client = createApi({ current: () => "t", renew: () => (renewals++, Promise.resolve("x")) }, BASE, api.fetchImpl);
    const result = await client.POST("/auth/session", { body: { email: "a@example.test", password: "password-1" } });
    expect(renewals).toBe(0);
    expect(() => unwrap(result)).toThrow(ApiError);
    try {
      unwrap(result);
    } catch (err) {
      expect(err).toMatchObject({ code: "invalid_credentials", status: 401, message: "Wrong email or password." });
    }
  });
});

// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../api/client.ts";
import { fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { renderSignedIn } from "../test-support/render.tsx";
import { LeadsPage } from "./leads.tsx";

afterEach(cleanup);

const lead: Schemas["Lead"] = {
  id: "00000000-0000-4000-8000-0000000000l1",
  name: "Grace Hopper",
  email: "grace@example.test",
  phone: null,
  source: "web",
  status: "quoted",
  referred_by_client_id: null,
  converted_client_id: null,
  notes: null,
  created_at: "2026-12-03T10:00:00.000Z",
  updated_at: "2026-12-03T10:00:00.000Z",
};

describe("LeadsPage", () => {
  it("offers a quoted lead's next moves and wins it through admin-api", async () => {
    const fake = fakeApi({
      "POST /auth/session/refresh": () => json(200, sessionFor("dispatcher")),
      "GET /me/capabilities": () => json(200, { role: "dispatcher", capabilities: ["leads.read", "leads.write", "clients.read"] }),
      "GET /leads": () => json(200, { items: [lead], next_cursor: null }),
      "POST /leads/:id/status": () => json(200, { lead: { ...lead, status: "won" }, referral_credit: null }),
    });
    renderSignedIn(<LeadsPage />, fake.fetchImpl);
    const win = await screen.findByRole("button", { name: "Mark won (make a client): Grace Hopper" });
    expect(screen.getByRole("button", { name: "Mark lost: Grace Hopper" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Mark contacted/ })).toBeNull();
    fireEvent.click(win);
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === "POST" && c.path === `/leads/${lead.id}/status`)?.body).toEqual({ status: "won" }),
    );
  });
});

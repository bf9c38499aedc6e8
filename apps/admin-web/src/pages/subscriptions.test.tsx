// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../api/client.ts";
import { fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { renderSignedIn } from "../test-support/render.tsx";
import { SubscriptionsPage } from "./subscriptions.tsx";

afterEach(cleanup);

const client = { id: "00000000-0000-4000-8000-0000000000c1", name: "Ada Lovelace" };

const plan: Schemas["Subscription"] = {
  id: "00000000-0000-4000-8000-0000000000s1",
  client_id: client.id,
  frequency: "weekly",
  status: "active",
  next_booking_at: "2026-12-10T09:00:00.000Z",
  anchor_day: null,
  duration_minutes: 120,
  price_cents: 8000,
  currency: "EUR",
  addons: [],
  created_at: "2026-12-03T10:00:00.000Z",
  updated_at: "2026-12-03T10:00:00.000Z",
};

function api(capabilities: string[]) {
  return fakeApi({
    "POST /auth/session/refresh": () => json(200, sessionFor("finance")),
    "GET /me/capabilities": () => json(200, { role: "finance", capabilities }),
    "GET /clients": () => json(200, { items: [client], next_cursor: null }),
    "GET /subscriptions": () => json(200, { items: [plan], next_cursor: null }),
    "POST /subscriptions": (_req, body) => json(201, { ...plan, ...(body as object), id: "00000000-0000-4000-8000-0000000000s2" }),
    "POST /subscriptions/:id/pause": () => json(200, { ...plan, status: "paused" }),
  });
}

describe("SubscriptionsPage", () => {
  it("lists plans with their price and lets a writer pause one and start one for a client", async () => {
    const fake = api(["subscriptions.read", "subscriptions.write", "clients.read"]);
    renderSignedIn(<SubscriptionsPage />, fake.fetchImpl);
    expect(await screen.findByRole("button", { name: "Pause plan for Ada Lovelace" })).toBeTruthy();
    expect(screen.getByText("€80.00")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Pause plan for Ada Lovelace" }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === "POST" && c.path === `/subscriptions/${plan.id}/pause`)).toBe(true));

    await screen.findByRole("option", { name: "Ada Lovelace" });
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: client.id } });
    fireEvent.change(screen.getByLabelText("Frequency"), { target: { value: "monthly" } });
    fireEvent.change(screen.getByLabelText("First booking"), { target: { value: "2026-12-15T09:30" } });
    fireEvent.change(screen.getByLabelText("Price per booking"), { target: { value: "95.50" } });
    fireEvent.click(screen.getByRole("button", { name: "Create subscription" }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === "POST" && c.path === "/subscriptions")).toBe(true));
    const sent = fake.calls.find((c) => c.method === "POST" && c.path === "/subscriptions")?.body;
    expect(sent).toMatchObject({ client_id: client.id, frequency: "monthly", price_cents: 9550, currency: "EUR", duration_minutes: 120 });
  });

  it("shows a read-only role the plans without any action or the create form", async () => {
    renderSignedIn(<SubscriptionsPage />, api(["subscriptions.read", "clients.read"]).fetchImpl);
    expect(await screen.findByText("€80.00")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Pause plan/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Cancel plan/ })).toBeNull();
    expect(screen.queryByRole("form", { name: "New subscription" })).toBeNull();
  });
});

// @vitest-environment jsdom
import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../api/client.ts";
import { fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { renderSignedIn } from "../test-support/render.tsx";
import { InvoiceDetailPage } from "./invoices.tsx";

afterEach(cleanup);

const invoice: Schemas["Invoice"] = {
  id: "00000000-0000-4000-8000-0000000000i1",
  number: "INV-000007",
  status: "issued",
  client_id: "00000000-0000-4000-8000-0000000000c1",
  booking_id: null,
  currency: "EUR",
  subtotal_cents: 8000,
  tax_cents: 0,
  total_cents: 8000,
  amount_paid_cents: 0,
  credited_cents: 0,
  balance_cents: 8000,
  items: [],
  issued_at: "2026-12-03T10:00:00.000Z",
  due_at: "2026-12-17T10:00:00.000Z",
  paid_at: null,
  created_at: "2026-12-03T10:00:00.000Z",
  updated_at: "2026-12-03T10:00:00.000Z",
};

const MATRIX = {
  dispatcher: ["bookings.read", "bookings.write", "invoices.read", "clients.read"],
  finance: [
    "bookings.read",
    "invoices.read",
    "invoices.write",
    "payments.read",
    "payments.write",
    "public_links.read",
    "public_links.write",
    "clients.read",
  ],
} as const;

function api(role: keyof typeof MATRIX) {
  return fakeApi({
    "POST /auth/session/refresh": () => json(200, sessionFor(role)),
    "GET /me/capabilities": () => json(200, { role, capabilities: MATRIX[role] }),
    "GET /clients": () => json(200, { items: [], next_cursor: null }),
    "GET /invoices/:id": () => json(200, invoice),
    "GET /invoices/:id/payments": () => json(200, { items: [], next_cursor: null }),
    "GET /invoices/:id/public-links": () => json(200, { items: [], next_cursor: null }),
  });
}

describe("InvoiceDetailPage", () => {
  it("gives finance the money actions: record a payment (the balance prefilled), create a link", async () => {
    renderSignedIn(<InvoiceDetailPage id={invoice.id} />, api("finance").fetchImpl);
    expect(await screen.findByRole("button", { name: "Record payment" })).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>("Amount (EUR)").value).toBe("80.00");
    expect(screen.getByRole("button", { name: "Create link" })).toBeTruthy();
    expect(screen.getByTestId("invoice-balance").textContent).toBe("€80.00");
  });

  it("shows a dispatcher the invoice without any payment or link action (and never asks for payments)", async () => {
    const fake = api("dispatcher");
    renderSignedIn(<InvoiceDetailPage id={invoice.id} />, fake.fetchImpl);
    expect(await screen.findByRole("heading", { name: "Invoice INV-000007" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Record payment" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Create link" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Issue invoice" })).toBeNull();
    expect(fake.calls.some((c) => c.path.endsWith("/payments"))).toBe(false);
  });
});

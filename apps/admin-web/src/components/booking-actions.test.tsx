// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Booking, Team } from "../app/bookings-data.ts";
import { apiError, fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { renderSignedIn } from "../test-support/render.tsx";
import { BookingActions } from "./booking-actions.tsx";

afterEach(cleanup);

const team: Team = {
  id: "00000000-0000-4000-8000-0000000000t1",
  name: "Alpha crew",
  color: "#123456",
  active: true,
  created_at: "",
  updated_at: "",
};
const booking: Booking = {
  id: "00000000-0000-4000-8000-0000000000b1",
  client_id: "00000000-0000-4000-8000-0000000000c1",
  team_id: null,
  status: "requested",
  starts_at: "2026-12-04T10:00:00.000Z",
  ends_at: "2026-12-04T12:00:00.000Z",
  duration_minutes: 120,
  address: "12 rue des Lilas",
  price_cents: 8000,
  addons_total_cents: 0,
  total_cents: 8000,
  currency: "EUR",
  notes: null,
  subscription_id: null,
  occurrence_date: null,
  addons: [],
  created_at: "",
  updated_at: "",
};

function api(role: "dispatcher" | "finance", capabilities: string[]) {
  return fakeApi({
    "POST /auth/session/refresh": () => json(200, sessionFor(role)),
    "GET /me/capabilities": () => json(200, { role, capabilities }),
    "POST /bookings/:id/assign": () => apiError(409, "booking_conflict", "The team already has a job then."),
  });
}

describe("BookingActions", () => {
  it("assigns through admin-api and shows the 409's reason when the team cannot take the job", async () => {
    const fake = api("dispatcher", ["bookings.read", "bookings.write", "teams.read"]);
    renderSignedIn(<BookingActions booking={booking} teams={[team]} />, fake.fetchImpl);
    const select = await screen.findByLabelText("Team");
    fireEvent.change(select, { target: { value: team.id } });
    fireEvent.click(screen.getByRole("button", { name: "Assign" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The team already has a job then.");
    expect(alert.textContent).toContain("booking_conflict");
    const call = fake.calls.find((c) => c.path === `/bookings/${booking.id}/assign`);
    expect(call?.body).toEqual({ team_id: team.id });
    expect(call?.headers.get("authorization")).toBe("Bearer access-1");
    // The allowed moves from requested: confirm or cancel (no "Complete").
    expect(screen.getByRole("button", { name: "Confirm" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Complete" })).toBeNull();
  });

  it("shows nothing to a role without bookings.write", async () => {
    const fake = api("finance", ["bookings.read", "invoices.read", "payments.write"]);
    const { container } = renderSignedIn(<BookingActions booking={booking} teams={[team]} />, fake.fetchImpl);
    await waitFor(() => expect(fake.calls.some((c) => c.path === "/me/capabilities")).toBe(true));
    await waitFor(() => expect(container.textContent).toBe(""));
    expect(screen.queryByRole("button", { name: "Assign" })).toBeNull();
  });
});

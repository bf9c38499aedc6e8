// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeApi, json, sessionFor } from "../test-support/fake-api.ts";
import { renderSignedIn } from "../test-support/render.tsx";
import { TeamsPage } from "./teams.tsx";

afterEach(cleanup);

const team = {
  id: "00000000-0000-4000-8000-0000000000t1",
  name: "North crew",
  color: null,
  active: true,
  created_at: "2026-12-03T10:00:00.000Z",
  updated_at: "2026-12-03T10:00:00.000Z",
};
const worker = {
  id: "00000000-0000-4000-8000-0000000000w1",
  name: "Linus",
  email: "linus@example.test",
  phone: null,
  team_id: team.id,
  active: false,
  has_password: true,
  invitation_pending: false,
  invitation_expires_at: null,
  created_at: "2026-12-03T10:00:00.000Z",
  updated_at: "2026-12-03T10:00:00.000Z",
};
const hours = {
  id: "00000000-0000-4000-8000-0000000000h1",
  team_id: team.id,
  weekday: 1,
  starts_at_local: "08:00",
  ends_at_local: "17:00",
  timezone: "Europe/Paris",
};

function api(capabilities: string[]) {
  return fakeApi({
    "POST /auth/session/refresh": () => json(200, sessionFor("dispatcher")),
    "GET /me/capabilities": () => json(200, { role: "dispatcher", capabilities }),
    "GET /teams": () => json(200, { items: [team], next_cursor: null }),
    "GET /workers": () => json(200, { items: [worker], next_cursor: null }),
    "GET /teams/:id": () => json(200, { ...team, working_hours: [hours], upcoming_blackouts: [] }),
    "POST /teams/:id/working-hours": (_req, body) =>
      json(201, { ...hours, ...(body as object), id: "00000000-0000-4000-8000-0000000000h2" }),
    "POST /workers/:id/reactivate": () => json(200, { ...worker, active: true }),
  });
}

describe("TeamsPage", () => {
  it("lets a team writer add working hours in the team's zone and reactivate a worker", async () => {
    const fake = api(["teams.read", "teams.write", "workers.read", "workers.write"]);
    renderSignedIn(<TeamsPage />, fake.fetchImpl);
    fireEvent.click(await screen.findByRole("button", { name: "Reactivate Linus" }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === "POST" && c.path === `/workers/${worker.id}/reactivate`)).toBe(true));

    fireEvent.click(screen.getByRole("button", { name: "Working hours and blackouts" }));
    expect(await screen.findByRole("button", { name: "Remove Monday 08:00–17:00" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Weekday"), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Add hours" }));
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === "POST" && c.path === `/teams/${team.id}/working-hours`)?.body).toEqual({
        weekday: 2,
        starts_at_local: "08:00",
        ends_at_local: "17:00",
        timezone: "Europe/Paris",
      }),
    );
    expect(screen.getByRole("form", { name: "Add a blackout" })).toBeTruthy();
  });

  it("shows a read-only role the hours without editing forms", async () => {
    renderSignedIn(<TeamsPage />, api(["teams.read", "workers.read"]).fetchImpl);
    fireEvent.click(await screen.findByRole("button", { name: "Working hours and blackouts" }));
    expect(await screen.findByText(/Monday 08:00–17:00/)).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Add working hours" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Add a blackout" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Reactivate/ })).toBeNull();
  });
});

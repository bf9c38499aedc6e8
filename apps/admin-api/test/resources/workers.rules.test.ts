import { describe, expect, it } from "vitest";
import {
  deactivationChangesSomething,
  INVITATION_TTL_DAYS,
  invitationExpiry,
  invitationPending,
} from "../../src/resources/workers/workers.rules.ts";

const now = new Date("2026-03-01T12:00:00.000Z");

describe("worker invitation rules (no database)", () => {
  it("an invitation lasts 7 days", () => {
    expect(INVITATION_TTL_DAYS).toBe(7);
    expect(invitationExpiry(now).toISOString()).toBe("2026-03-08T12:00:00.000Z");
  });

  it("is pending only while issued, unexpired and the worker active", () => {
    const later = new Date(now.getTime() + 1000);
    expect(invitationPending({ active: true, inviteTokenHash: "h", inviteExpiresAt: later }, now)).toBe(true);
    expect(invitationPending({ active: true, inviteTokenHash: "h", inviteExpiresAt: now }, now)).toBe(false);
    expect(invitationPending({ active: false, inviteTokenHash: "h", inviteExpiresAt: later }, now)).toBe(false);
    expect(invitationPending({ active: true, inviteTokenHash: null, inviteExpiresAt: null }, now)).toBe(false);
  });

  it("deactivation is a no-op only for an inactive worker without a token", () => {
    expect(deactivationChangesSomething({ active: true })).toBe(true);
    expect(deactivationChangesSomething({ active: false, inviteTokenHash: "h" })).toBe(true);
    expect(deactivationChangesSomething({ active: false, inviteTokenHash: null })).toBe(false);
  });
});

import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

// Without SMTP_URL (the demo): mail is kept and listed for the developer on this machine.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ webAppUrl: "http://web.test", trustProxy: "loopback" });
});
afterAll(async () => {
  await t.close();
});

describe("GET /dev/mails (no mail server)", () => {
  it("lists the last mails with their links, for loopback only; the invitation token is still shown once in the 201", async () => {
    const owner = await t.make.member("owner");
    const token = accessTokenFor({ userId: owner.user.id, orgId: owner.org.orgId, role: "owner" }, { now: t.clock.now() });
    const invited = await request(t.app)
      .post("/invitations")
      .set(bearer(token))
      .send({ email: "demo-invitee@example.test", role: "finance" })
      .expect(201);
    const shown = (invited.body as { token: string }).token;
    expect(shown).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const page = await request(t.app).get("/dev/mails").expect(200);
    const mail = (page.body as { mails: Array<{ to: string; links: string[] }> }).mails.find((m) => m.to === "demo-invitee@example.test");
    expect(mail?.links).toEqual([`http://web.test/accept-invitation?token=${shown}`]);
    // Seen from another address (through a trusted proxy), the page does not exist.
    await request(t.app).get("/dev/mails").set("x-forwarded-for", "203.0.113.9").expect(404);
  });
});

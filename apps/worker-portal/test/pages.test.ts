import { createHash } from "node:crypto";
import { orgChecksums } from "@cleanops/db/testing";
import { filesystemStorage } from "@cleanops/storage";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";
import { IMAGES, PASSWORD, startTestApp, type OrgRow, type TestApp, type WorkerRow } from "./support/test-app.ts";

let t: TestApp;
let org: OrgRow;
let teamId: string;
let me: WorkerRow;
const hours = (n: number) => new Date(Date.now() + n * 3_600_000);
const HOSTILE = "<script>alert(1)</script>";

beforeAll(async () => {
  t = await startTestApp();
  org = await t.make.org({ name: `Org "${HOSTILE}"` });
  teamId = (await t.make.team(org, { timezone: "America/New_York" })).id;
  me = await t.make.worker(org, teamId, { name: `Ana ${HOSTILE}` });
});
afterAll(() => t.close());

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** A browser: a cookie jar, signed in through the form. */
async function signedInBrowser(w: WorkerRow = me) {
  const agent = request.agent(t.app);
  const page = await agent.get("/login");
  const res = await agent
    .post("/login")
    .type("form")
    .send({ _csrf: csrfOf(page.text), org: org.slug, email: w.email, password: PASSWORD });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe("/");
  return agent;
}

describe("sign-in page", () => {
  it("serves a form with a CSRF token under a strict CSP (no inline script), helmet's headers", async () => {
    const res = await request(t.app).get("/login");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.text).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(csrfOf(res.text)).not.toBe("");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.text).not.toMatch(/<script|style="/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("refuses a form post without its CSRF token (403) or with another browser's", async () => {
    const none = await request(t.app).post("/login").type("form").send({ org: org.slug, email: me.email, password: PASSWORD });
    expect(none.status).toBe(403);
    const other = await request(t.app).get("/login");
    const agent = request.agent(t.app);
    await agent.get("/login");
    const stolen = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(other.text), org: org.slug, email: me.email, password: PASSWORD });
    expect(stolen.status).toBe(403);
  });

  it("sets an HttpOnly, SameSite=Lax session cookie; Secure unless turned off for development", async () => {
    const agent = request.agent(t.app);
    const page = await agent.get("/login");
    const res = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(page.text), org: org.slug, email: me.email, password: PASSWORD });
    const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("wp_session=")) ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const secureApp = createApp({
      orm: t.orm,
      logger: pino({ level: "silent" }),
      keyRing: TEST_KEY_RING,
      storage: filesystemStorage(t.photoDir),
    });
    // A cookie jar would not send a Secure cookie over plain HTTP: hand the CSRF cookie back by hand.
    const p2 = await request(secureApp).get("/login");
    const csrfCookie = ((p2.headers["set-cookie"] as unknown as string[])[0] ?? "").split(";")[0] ?? "";
    expect((p2.headers["set-cookie"] as unknown as string[])[0]).toMatch(/; Secure/);
    const r2 = await request(secureApp)
      .post("/login")
      .set("Cookie", csrfCookie)
      .type("form")
      .send({ _csrf: csrfOf(p2.text), org: org.slug, email: me.email, password: PASSWORD });
    expect(r2.status).toBe(303);
    expect((r2.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("wp_session="))).toMatch(/; Secure/);
  });

  it("a wrong password re-renders the form with a generic message and 401", async () => {
    const agent = request.agent(t.app);
    const page = await agent.get("/login");
    const res = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(page.text), org: org.slug, email: me.email, password: "nope-nope-nope" });
    expect(res.status).toBe(401);
    expect(res.text).toContain("Wrong company code, email or password.");
  });
});

describe("job pages", () => {
  it("lists today's jobs with every value escaped (a client named <script>alert(1)</script>)", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(2), clientName: HOSTILE, address: `"><img src=x onerror=alert(1)>` });
    const browser = await signedInBrowser();
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain(`/jobs/${job.id}/view`);
    expect(home.text).not.toContain(HOSTILE);
    expect(home.text).not.toContain("<img src=x");
    expect(home.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const view = await browser.get(`/jobs/${job.id}/view`);
    expect(view.status).toBe(200);
    expect(view.text).not.toContain(HOSTILE);
    expect(view.text).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });

  it("start, tick and finish through the forms; a form post without the CSRF token is 403 and changes nothing", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(1) });
    const { itemIds } = await t.make.checklist(org, job.id, [{ label: "Kitchen" }]);
    const browser = await signedInBrowser();
    const page = await browser.get(`/jobs/${job.id}/view`);
    const csrf = csrfOf(page.text);
    const before = await orgChecksums(t.owner, org.orgId);
    for (const path of ["start", `checklist/${itemIds[0] ?? ""}`, "finish"]) {
      const forged = await browser.post(`/jobs/${job.id}/view/${path}`).type("form").send({ checked: "true" });
      expect(forged.status, path).toBe(403);
    }
    const forgedPhoto = await browser.post(`/jobs/${job.id}/view/photos`).attach("photo", IMAGES.png, "a.png");
    expect(forgedPhoto.status).toBe(403);
    expect(await orgChecksums(t.owner, org.orgId)).toEqual(before);
    expect(await t.storedFiles()).toEqual([]);

    expect((await browser.post(`/jobs/${job.id}/view/start`).type("form").send({ _csrf: csrf })).status).toBe(303);
    const early = await browser.post(`/jobs/${job.id}/view/finish`).type("form").send({ _csrf: csrf });
    expect(early.status).toBe(409);
    expect(early.text).toContain("Tick every required checklist item");
    const tick = await browser
      .post(`/jobs/${job.id}/view/checklist/${itemIds[0] ?? ""}`)
      .type("form")
      .send({ _csrf: csrf, checked: "true", note: "done <b>" });
    expect(tick.status).toBe(303);
    const photo = await browser.post(`/jobs/${job.id}/view/photos`).field("_csrf", csrf).attach("photo", IMAGES.png, "a.png");
    expect(photo.status).toBe(303);
    const view = await browser.get(`/jobs/${job.id}/view`);
    expect(view.text).toContain("done &lt;b&gt;");
    const img = /src="(\/photos\/[^"]+)"/.exec(view.text)?.[1] ?? "";
    const bytes = await browser.get(img).buffer(true);
    expect(bytes.status).toBe(200);
    expect(
      createHash("sha256")
        .update(bytes.body as Buffer)
        .digest("hex"),
    ).toBe(createHash("sha256").update(IMAGES.png).digest("hex"));
    expect((await browser.post(`/jobs/${job.id}/view/finish`).type("form").send({ _csrf: csrf })).status).toBe(303);
    expect((await t.owner.query(`SELECT status FROM bookings WHERE id = $1`, [job.id])).rows[0].status).toBe("completed");
  });

  it("a deactivated worker's browser is sent to the sign-in page at its next request", async () => {
    const w = await t.make.worker(org, teamId);
    const browser = await signedInBrowser(w);
    expect((await browser.get("/")).status).toBe(200);
    await t.owner.query(`UPDATE workers SET active = false WHERE id = $1`, [w.id]);
    const res = await browser.get("/");
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/login");
  });

  it("the session cookie does not work for the JSON API's writes (bearer only there)", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(1) });
    const browser = await signedInBrowser();
    expect((await browser.post(`/jobs/${job.id}/start`)).status).toBe(401);
  });
});

describe("invitation link", () => {
  const hash = (token: string) => createHash("sha256").update(token).digest("hex");

  it("lets a new worker choose a password once; a used or expired link is refused", async () => {
    const token = "invite-token-0123456789abcdefghijklmnop";
    const w = await t.make.worker(org, teamId, { password: null, invite: { tokenHash: hash(token), expiresAt: hours(24) } });
    const agent = request.agent(t.app);
    const page = await agent.get(`/invite?org=${org.slug}&token=${token}`);
    expect(page.status).toBe(200);
    const res = await agent
      .post("/invite")
      .type("form")
      .send({ _csrf: csrfOf(page.text), org: org.slug, token, password: "a-brand-new-password" });
    expect(res.status).toBe(303);
    expect((await agent.get("/")).status).toBe(200);
    const login = await request(t.app).post("/auth/login").send({ org: org.slug, email: w.email, password: "a-brand-new-password" });
    expect(login.status).toBe(200);
    const again = await request(t.app).post("/invite").send({ org: org.slug, token, password: "another-password-1" });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe("invitation_used");

    const expiredToken = "expired-token-0123456789abcdefghijklmnop";
    await t.make.worker(org, teamId, { password: null, invite: { tokenHash: hash(expiredToken), expiresAt: hours(-1) } });
    const expired = await request(t.app).post("/invite").send({ org: org.slug, token: expiredToken, password: "another-password-1" });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe("invitation_expired");
    expect(t.logText()).not.toContain(token);
    expect(t.logText()).not.toContain("a-brand-new-password");
  });
});

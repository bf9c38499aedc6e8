import { hashToken } from "@cleanops/auth";
import { smtpMailer } from "@cleanops/mail";
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from "@cleanops/mail/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { eventually, startTestApp, type TestApp } from "./support/test-app.ts";

/** admin-api with a real mail server on loopback: every mail here went out over SMTP and was caught. */
let t: TestApp;
let smtp: SmtpCatcher;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  t = await startTestApp({
    mailer: smtpMailer({ url: smtp.url, from: "CleanOps <no-reply@cleanops.test>" }),
    webAppUrl: "http://web.test",
    trustProxy: true,
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

type Session = { access_token: string; refresh_token: string };
const tokenIn = (mail: CaughtMail, path: string): string => {
  const m = new RegExp(`http://web\\.test${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!m?.[1]) throw new Error(`no ${path} link in: ${mail.text}`);
  return m[1];
};
const mailTo = (to: string, subject: RegExp) => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject));
const login = (email: string, password: string, ip = "203.0.113.10") =>
  request(t.app).post("/auth/login").set("x-forwarded-for", ip).send({ email, password });
const signUp = (email: string, password: string, ip = "198.51.100.10") =>
  request(t.app)
    .post("/orgs")
    .set("x-forwarded-for", ip)
    .send({ organization: { name: `Org of ${email}` }, owner: { email, password } });
const tokenOf = (m: Member) => accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: m.membership.role }, { now: t.clock.now() });

describe("email verification", () => {
  it("a sign-up starts unverified and mails a single-use link (stored hashed); the link verifies the address once", async () => {
    const res = await signUp("fresh@example.test", "a-long-enough-password").expect(201);
    const userId = (res.body as { user: { id: string } }).user.id;
    expect((await t.owner.query(`SELECT email_verified_at FROM users WHERE id = $1`, [userId])).rows).toEqual([
      { email_verified_at: null },
    ]);
    const mail = await mailTo("fresh@example.test", /Confirm your email/);
    const token = tokenIn(mail, "/verify-email");
    const stored = await t.owner.query(`SELECT token_hash, purpose FROM account_tokens WHERE user_id = $1`, [userId]);
    expect(stored.rows).toEqual([{ token_hash: hashToken(token), purpose: "verify_email" }]);
    // Delivered: the body (with its link) is not kept.
    await eventually(async () => {
      const outbox = await t.owner.query(
        `SELECT text_body, sent_at IS NOT NULL AS sent FROM mail_outbox WHERE to_address = 'fresh@example.test'`,
      );
      expect(outbox.rows).toEqual([{ text_body: "", sent: true }]);
    }, 15_000);

    await request(t.app).post("/auth/verify-email").send({ token }).expect(204);
    const after = await t.owner.query<{ verified: boolean }>(`SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1`, [
      userId,
    ]);
    expect(after.rows).toEqual([{ verified: true }]);
    expect((await request(t.app).post("/auth/verify-email").send({ token }).expect(410)).body.error.code).toBe("link_invalid");
    expect(
      (
        await request(t.app)
          .post("/auth/verify-email")
          .send({ token: "Z".repeat(43) })
          .expect(410)
      ).body.error.code,
    ).toBe("link_invalid");
  });
});

describe("password reset", () => {
  it("answers an existing and an unknown address alike; only the real account gets a link, valid once for 30 minutes", async () => {
    const m = await t.make.member("dispatcher");
    const ask = (email: string) => request(t.app).post("/auth/password-reset").set("x-forwarded-for", "192.0.2.30").send({ email });
    const known = await ask(m.user.email).expect(200);
    const unknown = await ask("no-account-here@example.test").expect(200);
    expect(known.body).toEqual(unknown.body);

    const mail = await mailTo(m.user.email, /Reset your CleanOps password/);
    const token = tokenIn(mail, "/reset-password");
    expect(smtp.mails.filter((x) => x.to.includes("no-account-here@example.test"))).toEqual([]);
    expect((await t.owner.query(`SELECT 1 FROM account_tokens WHERE token_hash = $1`, [hashToken(token)])).rowCount).toBe(1);

    const s = (await login(m.user.email, m.user.password).expect(200)).body as Session;
    t.clock.advance(1);
    const confirm = (body: object) => request(t.app).post("/auth/password-reset/confirm").send(body);
    expect((await confirm({ token, password: "short" }).expect(400)).body.error.code).toBe("validation_failed");
    await confirm({ token, password: "my-new-reset-password" }).expect(204);
    expect((await confirm({ token, password: "another-new-password" }).expect(410)).body.error.code).toBe("link_invalid");

    // Every session ended; the old password is gone, the new one works.
    expect((await request(t.app).get("/me").set(bearer(s.access_token)).expect(401)).body.error.code).toBe("token_revoked");
    await request(t.app).post("/auth/refresh").send({ refresh_token: s.refresh_token }).expect(401);
    await login(m.user.email, m.user.password).expect(401);
    await login(m.user.email, "my-new-reset-password").expect(200);
    const audit = await t.owner.query(`SELECT 1 FROM admin_audit_logs WHERE org_id = $1 AND action = 'auth.password_reset'`, [m.org.orgId]);
    expect(audit.rowCount).toBe(1);
  });

  it("a link expires after 30 minutes", async () => {
    const m = await t.make.member("finance");
    await request(t.app).post("/auth/password-reset").set("x-forwarded-for", "192.0.2.31").send({ email: m.user.email }).expect(200);
    const token = tokenIn(await mailTo(m.user.email, /Reset/), "/reset-password");
    t.clock.advance(30 * 60 + 1);
    await request(t.app).post("/auth/password-reset/confirm").send({ token, password: "too-late-password" }).expect(410);
    await login(m.user.email, m.user.password, "203.0.113.31").expect(200);
  });

  it("a valid link works despite a lock-out, and lets the owner sign in from the locked-out client at once", async () => {
    const m = await t.make.member("admin");
    for (let i = 0; i < 10; i++) await login(m.user.email, "attacker-guess", "203.0.113.77").expect(401);
    await login(m.user.email, m.user.password, "203.0.113.77").expect(429);
    await request(t.app).post("/auth/password-reset").set("x-forwarded-for", "203.0.113.77").send({ email: m.user.email }).expect(200);
    const token = tokenIn(await mailTo(m.user.email, /Reset/), "/reset-password");
    t.clock.advance(1);
    await request(t.app)
      .post("/auth/password-reset/confirm")
      .set("x-forwarded-for", "203.0.113.77")
      .send({ token, password: "back-in-control-pw" })
      .expect(204);
    await login(m.user.email, "back-in-control-pw", "203.0.113.77").expect(200);
  });
});

describe("squatting: the real owner of an address takes it back", () => {
  it("through a password reset: the squatter's sessions end and their password stops working", async () => {
    const squatter = (await signUp("victim-one@example.test", "squatters-password", "198.51.100.66").expect(201)).body as Session;
    t.clock.advance(1);
    await request(t.app)
      .post("/auth/password-reset")
      .set("x-forwarded-for", "192.0.2.40")
      .send({ email: "victim-one@example.test" })
      .expect(200);
    const token = tokenIn(await mailTo("victim-one@example.test", /Reset/), "/reset-password");
    await request(t.app).post("/auth/password-reset/confirm").send({ token, password: "the-real-owners-pw" }).expect(204);
    expect((await request(t.app).get("/me").set(bearer(squatter.access_token)).expect(401)).body.error.code).toBe("token_revoked");
    await request(t.app).post("/auth/refresh").send({ refresh_token: squatter.refresh_token }).expect(401);
    await login("victim-one@example.test", "squatters-password", "203.0.113.40").expect(401);
    await login("victim-one@example.test", "the-real-owners-pw", "203.0.113.41").expect(200);
    const u = await t.owner.query(`SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE email = 'victim-one@example.test'`);
    expect(u.rows).toEqual([{ verified: true }]);
  });

  it("through an invitation: the invitee accepts with a password of their own, and the squatter is out", async () => {
    const squatter = (await signUp("victim-two@example.test", "squatters-password", "198.51.100.67").expect(201)).body as Session;
    t.clock.advance(1);
    const owner = await t.make.member("owner");
    const invited = await request(t.app)
      .post("/invitations")
      .set(bearer(tokenOf(owner)))
      .send({ email: "victim-two@example.test", role: "dispatcher" })
      .expect(201);
    // A mail server is configured: the link travels only by mail.
    expect(invited.body).not.toHaveProperty("token");
    const mail = await mailTo("victim-two@example.test", /invited/);
    expect(mail.subject).toContain(owner.org.name);
    const token = tokenIn(mail, "/accept-invitation");

    const accepted = await request(t.app)
      .post("/invitations/accept")
      .send({ token, email: "victim-two@example.test", password: "the-real-invitee-pw" })
      .expect(200);
    await request(t.app)
      .get("/me")
      .set(bearer((accepted.body as Session).access_token))
      .expect(200);
    expect((await request(t.app).get("/me").set(bearer(squatter.access_token)).expect(401)).body.error.code).toBe("token_revoked");
    await request(t.app).post("/auth/refresh").send({ refresh_token: squatter.refresh_token }).expect(401);
    await login("victim-two@example.test", "squatters-password", "203.0.113.50").expect(401);
    await login("victim-two@example.test", "the-real-invitee-pw", "203.0.113.51").expect(200);
  });

  it("a verified account is never taken over by an invitation: its password is required", async () => {
    const owner = await t.make.member("owner");
    const other = await t.make.user();
    await request(t.app)
      .post("/invitations")
      .set(bearer(tokenOf(owner)))
      .send({ email: other.email, role: "finance" })
      .expect(201);
    const token = tokenIn(await mailTo(other.email, /invited/), "/accept-invitation");
    const accept = (password: string) =>
      request(t.app).post("/invitations/accept").set("x-forwarded-for", "203.0.113.60").send({ token, email: other.email, password });
    expect((await accept("not-their-password").expect(401)).body.error.code).toBe("invalid_credentials");
    await accept(other.password).expect(200);
  });
});

describe("the outbox is written with the change", () => {
  it("a refused invitation (already a member) queues no mail", async () => {
    const owner = await t.make.member("owner");
    const member = await t.make.member("dispatcher", { org: owner.org });
    await request(t.app)
      .post("/invitations")
      .set(bearer(tokenOf(owner)))
      .send({ email: member.user.email, role: "finance" })
      .expect(409);
    expect((await t.owner.query(`SELECT 1 FROM mail_outbox WHERE to_address = $1`, [member.user.email])).rowCount).toBe(0);
  });

  it("GET /dev/mails does not exist when a mail server is configured", async () => {
    await request(t.app).get("/dev/mails").expect(404);
  });
});

import { hashToken, verifyPassword } from "@cleanops/auth";
import type { Role } from "@cleanops/db";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const tokenOf = (m: Member) => accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: m.membership.role }, { now: t.clock.now() });

const invite = (as: Member, email: string, role: Role) =>
  request(t.app)
    .post("/invitations")
    .set(bearer(tokenOf(as)))
    .send({ email, role });
const accept = (body: Record<string, unknown>) => request(t.app).post("/invitations/accept").send(body);

describe("POST /invitations", () => {
  it("invites by email: stored hashed, expires in 7 days, the token shown once, audited", async () => {
    const owner = await t.make.member("owner");
    const res = await invite(owner, " New.Person@Example.TEST ", "dispatcher").expect(201);
    const created = res.body as { invitation: { id: string; expires_at: string }; token: string };
    expect(res.body.invitation).toMatchObject({
      org_id: owner.org.orgId,
      email: "new.person@example.test",
      role: "dispatcher",
      invited_by_user_id: owner.user.id,
    });
    expect(new Date(created.invitation.expires_at).getTime() - t.clock.now().getTime()).toBe(7 * 24 * 60 * 60 * 1000);
    const token = created.token;
    const stored = await t.owner.query(`SELECT token_hash FROM invitations WHERE id = $1`, [created.invitation.id]);
    expect(stored.rows).toEqual([{ token_hash: hashToken(token) }]);
    const audit = await t.owner.query(`SELECT changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'invitation.created'`, [
      owner.org.orgId,
    ]);
    expect(audit.rows[0]?.changes).toMatchObject({ email: "new.person@example.test", role: "dispatcher" });
    expect(JSON.stringify(audit.rows)).not.toContain(token);

    const list = (
      await request(t.app)
        .get("/invitations")
        .set(bearer(tokenOf(owner)))
        .expect(200)
    ).body as { invitations: { id: string }[] };
    expect(list.invitations.map((i) => i.id)).toEqual([created.invitation.id]);
  });

  it("never above the inviter's role: an admin cannot invite an owner; dispatcher and finance cannot invite at all", async () => {
    const owner = await t.make.member("owner");
    const admin = await t.make.member("admin", { org: owner.org });
    const dispatcher = await t.make.member("dispatcher", { org: owner.org });
    await invite(admin, "boss@example.test", "owner").expect(403);
    await invite(admin, "peer@example.test", "admin").expect(201);
    await invite(owner, "co-owner@example.test", "owner").expect(201);
    const res = await invite(dispatcher, "friend@example.test", "dispatcher").expect(403);
    expect(res.body.error.details).toEqual({ capability: "members.invite" });
  });

  it("refuses to invite a live member (409); inviting again replaces the pending invitation", async () => {
    const owner = await t.make.member("owner");
    const member = await t.make.member("finance", { org: owner.org });
    expect((await invite(owner, member.user.email, "admin").expect(409)).body.error.code).toBe("conflict");
    const first = await invite(owner, "twice@example.test", "finance").expect(201);
    const second = await invite(owner, "twice@example.test", "dispatcher").expect(201);
    expect(
      (await accept({ token: first.body.token, email: "twice@example.test", password: "a-long-enough-password" }).expect(410)).body.error
        .code,
    ).toBe("invitation_used");
    await accept({ token: second.body.token, email: "twice@example.test", password: "a-long-enough-password" }).expect(200);
  });
});

describe("POST /invitations/accept", () => {
  it("a new person: creates the account with the invited role and signs them in; the invitation is spent (single use)", async () => {
    const owner = await t.make.member("owner");
    const { body } = await invite(owner, "fresh@example.test", "finance").expect(201);
    const res = await accept({ token: body.token, email: "FRESH@example.test", password: "fresh-password-123", name: "Fresh" }).expect(200);
    const session = res.body as { access_token: string; user: { id: string } };
    expect(res.body).toMatchObject({
      org: { org_id: owner.org.orgId },
      role: "finance",
      user: { email: "fresh@example.test", name: "Fresh" },
    });
    await request(t.app).get("/me").set(bearer(session.access_token)).expect(200);
    const user = await t.owner.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'fresh@example.test'`);
    expect(await verifyPassword(user.rows[0]?.password_hash, "fresh-password-123")).toBe(true);
    const again = await accept({ token: body.token, email: "fresh@example.test", password: "fresh-password-123" }).expect(410);
    expect(again.body.error.code).toBe("invitation_used");
    const audit = await t.owner.query(
      `SELECT actor_user_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'invitation.accepted'`,
      [owner.org.orgId],
    );
    expect(audit.rows).toEqual([
      {
        actor_user_id: session.user.id,
        changes: { email: "fresh@example.test", role: "finance", new_account: true, restored_membership: false },
      },
    ]);
  });

  it("an existing account: proves its password (a wrong one is invalid_credentials); a revoked membership is restored", async () => {
    const owner = await t.make.member("owner");
    const returning = await t.make.member("dispatcher");
    await t.make.membership({ org: owner.org, user: returning.user, role: "finance", revokedAt: new Date() });
    const { body } = await invite(owner, returning.user.email, "admin").expect(201);
    expect(
      (await accept({ token: body.token, email: returning.user.email, password: "not-the-password" }).expect(401)).body.error.code,
    ).toBe("invalid_credentials");
    const res = await accept({ token: body.token, email: returning.user.email, password: returning.user.password }).expect(200);
    expect(res.body).toMatchObject({ org: { org_id: owner.org.orgId }, role: "admin", user: { id: returning.user.id } });
    const rows = await t.owner.query(`SELECT role, revoked_at FROM memberships WHERE org_id = $1 AND user_id = $2`, [
      owner.org.orgId,
      returning.user.id,
    ]);
    expect(rows.rows).toEqual([{ role: "admin", revoked_at: null }]);
  });

  it("refuses an invitation presented with another email, and leaves it usable by its invitee", async () => {
    const owner = await t.make.member("owner");
    const intruder = await t.make.member("owner");
    const { body } = await invite(owner, "intended@example.test", "admin").expect(201);
    const res = await accept({ token: body.token, email: intruder.user.email, password: intruder.user.password }).expect(403);
    expect(res.body.error.code).toBe("invitation_email_mismatch");
    const joined = await t.owner.query(`SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2`, [owner.org.orgId, intruder.user.id]);
    expect(joined.rowCount).toBe(0);
    await accept({ token: body.token, email: "intended@example.test", password: "a-long-enough-password" }).expect(200);
  });

  it("refuses an expired invitation (after 7 days) and a withdrawn one", async () => {
    const owner = await t.make.member("owner");
    const late = await invite(owner, "late@example.test", "dispatcher").expect(201);
    const withdrawn = await invite(owner, "withdrawn@example.test", "dispatcher").expect(201);
    await request(t.app)
      .delete(`/invitations/${withdrawn.body.invitation.id}`)
      .set(bearer(tokenOf(owner)))
      .expect(204);
    expect(
      (await accept({ token: withdrawn.body.token, email: "withdrawn@example.test", password: "a-long-enough-password" }).expect(410)).body
        .error.code,
    ).toBe("invitation_used");
    t.clock.advance(7 * 24 * 60 * 60 + 1);
    const res = await accept({ token: late.body.token, email: "late@example.test", password: "a-long-enough-password" }).expect(410);
    expect(res.body.error.code).toBe("invitation_expired");
    expect((await t.owner.query(`SELECT 1 FROM users WHERE email = 'late@example.test'`)).rowCount).toBe(0);
  });

  it("an unknown token is 404; a live member cannot accept twice (409); a short new password is 400", async () => {
    expect((await accept({ token: "C".repeat(43), email: "x@example.test", password: "whatever-it-is" }).expect(404)).body.error.code).toBe(
      "not_found",
    );
    const owner = await t.make.member("owner");
    const short = await invite(owner, "short@example.test", "finance").expect(201);
    expect((await accept({ token: short.body.token, email: "short@example.test", password: "short" }).expect(400)).body.error.code).toBe(
      "validation_failed",
    );

    const m = await t.make.member("dispatcher");
    const inv = await invite(owner, m.user.email, "finance").expect(201);
    await t.make.membership({ org: owner.org, user: m.user, role: "dispatcher" });
    expect((await accept({ token: inv.body.token, email: m.user.email, password: m.user.password }).expect(409)).body.error.code).toBe(
      "conflict",
    );
  });
});

describe("POST /invitations/accept: no oracle, no suspended org", () => {
  it("a short password is the same 400 for an existing account and a new one, before any password is checked", async () => {
    const owner = await t.make.member("owner");
    const existing = await t.make.user();
    const a = await invite(owner, existing.email, "finance").expect(201);
    const b = await invite(owner, "not-yet-a-user@example.test", "finance").expect(201);
    const known = await accept({ token: a.body.token, email: existing.email, password: "short" }).expect(400);
    const unknown = await accept({ token: b.body.token, email: "not-yet-a-user@example.test", password: "short" }).expect(400);
    const strip = (res: request.Response) => ({ ...(res.body as { error: Record<string, unknown> }).error, request_id: undefined });
    expect(strip(known)).toEqual(strip(unknown));
    expect((await t.owner.query(`SELECT 1 FROM login_attempts WHERE email = $1`, [existing.email])).rowCount).toBe(0);
  });

  it("refuses to join a suspended org (403 org_suspended), the invitation unspent and no account created", async () => {
    const owner = await t.make.member("owner");
    const other = await t.make.member("owner");
    const res = await invite(owner, "joins-suspended@example.test", "dispatcher").expect(201);
    await t.owner.query(`UPDATE organizations SET status = 'suspended' WHERE org_id = $1`, [owner.org.orgId]);
    const refused = await accept({
      token: res.body.token,
      email: "joins-suspended@example.test",
      password: "a-long-enough-password",
    }).expect(403);
    expect(refused.body.error.code).toBe("org_suspended");
    expect((await t.owner.query(`SELECT 1 FROM users WHERE email = 'joins-suspended@example.test'`)).rowCount).toBe(0);
    const inv = await t.owner.query(`SELECT accepted_at FROM invitations WHERE org_id = $1`, [owner.org.orgId]);
    expect(inv.rows).toEqual([{ accepted_at: null }]);
    // The other org is untouched.
    const theirs = await t.owner.query(`SELECT status FROM organizations WHERE org_id = $1`, [other.org.orgId]);
    expect(theirs.rows).toEqual([{ status: "active" }]);
  });
});

describe("DELETE /invitations/:id", () => {
  it("withdraws a pending invitation (audited); another org's invitation is 404", async () => {
    const owner = await t.make.member("owner");
    const other = await t.make.member("owner");
    const mine = await invite(owner, "mine@example.test", "finance").expect(201);
    const theirs = await invite(other, "theirs@example.test", "finance").expect(201);
    await request(t.app)
      .delete(`/invitations/${theirs.body.invitation.id}`)
      .set(bearer(tokenOf(owner)))
      .expect(404);
    await request(t.app)
      .delete(`/invitations/${mine.body.invitation.id}`)
      .set(bearer(tokenOf(owner)))
      .expect(204);
    await request(t.app)
      .delete(`/invitations/${mine.body.invitation.id}`)
      .set(bearer(tokenOf(owner)))
      .expect(404);
    const audit = await t.owner.query(`SELECT entity_id FROM admin_audit_logs WHERE org_id = $1 AND action = 'invitation.revoked'`, [
      owner.org.orgId,
    ]);
    expect(audit.rows).toEqual([{ entity_id: mine.body.invitation.id }]);
    // Their invitation still works.
    await accept({ token: theirs.body.token, email: "theirs@example.test", password: "a-long-enough-password" }).expect(200);
  });
});

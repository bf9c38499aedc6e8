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

const tokenOf = (m: Member, role: Role = m.membership.role) =>
  accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role }, { now: t.clock.now() });

/** An org with one member of each role. */
async function team() {
  const owner = await t.make.member("owner");
  return {
    owner,
    admin: await t.make.member("admin", { org: owner.org }),
    dispatcher: await t.make.member("dispatcher", { org: owner.org }),
    finance: await t.make.member("finance", { org: owner.org }),
  };
}

const patchRole = (as: Member, membershipId: string, role: Role) =>
  request(t.app)
    .patch(`/memberships/${membershipId}`)
    .set(bearer(tokenOf(as)))
    .send({ role });
const revoke = (as: Member, membershipId: string) =>
  request(t.app)
    .delete(`/memberships/${membershipId}`)
    .set(bearer(tokenOf(as)));

describe("GET /memberships and /memberships/:id", () => {
  it("lists the org's live members with their users; owner and admin only", async () => {
    const tm = await team();
    await t.make.membership({ org: tm.owner.org, user: await t.make.user(), role: "finance", revokedAt: new Date() });
    const res = await request(t.app)
      .get("/memberships")
      .set(bearer(tokenOf(tm.admin)))
      .expect(200);
    const listed = (res.body as { memberships: { id: string; role: string }[] }).memberships;
    expect(listed.map((m) => [m.id, m.role])).toEqual([
      [tm.owner.membership.id, "owner"],
      [tm.admin.membership.id, "admin"],
      [tm.dispatcher.membership.id, "dispatcher"],
      [tm.finance.membership.id, "finance"],
    ]);
    expect(res.body.memberships[0]).toMatchObject({
      org_id: tm.owner.org.orgId,
      user: { id: tm.owner.user.id, email: tm.owner.user.email },
      revoked_at: null,
    });
    const one = await request(t.app)
      .get(`/memberships/${tm.finance.membership.id}`)
      .set(bearer(tokenOf(tm.owner)))
      .expect(200);
    expect(one.body).toMatchObject({ id: tm.finance.membership.id, role: "finance" });
    await request(t.app)
      .get("/memberships")
      .set(bearer(tokenOf(tm.dispatcher)))
      .expect(403);
    await request(t.app)
      .get("/memberships")
      .set(bearer(tokenOf(tm.finance)))
      .expect(403);
  });
});

describe("PATCH /memberships/:id (change role)", () => {
  it("an admin changes non-owners' roles (audited), but cannot touch an owner nor make anyone owner", async () => {
    const tm = await team();
    const res = await patchRole(tm.admin, tm.dispatcher.membership.id, "finance").expect(200);
    expect(res.body).toMatchObject({ id: tm.dispatcher.membership.id, role: "finance" });
    const audit = await t.owner.query(
      `SELECT actor_user_id, entity_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'membership.role_changed'`,
      [tm.owner.org.orgId],
    );
    expect(audit.rows).toEqual([
      {
        actor_user_id: tm.admin.user.id,
        entity_id: tm.dispatcher.membership.id,
        changes: { user_id: tm.dispatcher.user.id, before: { role: "dispatcher" }, after: { role: "finance" } },
      },
    ]);
    expect((await patchRole(tm.admin, tm.owner.membership.id, "admin").expect(403)).body.error.details).toEqual({
      capability: "owners.manage",
    });
    await patchRole(tm.admin, tm.finance.membership.id, "owner").expect(403);
    await patchRole(tm.dispatcher, tm.finance.membership.id, "dispatcher").expect(403);
  });

  it("an owner promotes to owner; then either owner may step down, but the last owner may not demote himself", async () => {
    const tm = await team();
    const last = await patchRole(tm.owner, tm.owner.membership.id, "admin").expect(409);
    expect(last.body.error.code).toBe("last_owner");
    await patchRole(tm.owner, tm.admin.membership.id, "owner").expect(200);
    await patchRole(tm.owner, tm.owner.membership.id, "admin").expect(200);
    // The promoted one is now the last owner.
    const promoted = { ...tm.admin, membership: { ...tm.admin.membership, role: "owner" as const } };
    expect((await patchRole(promoted, promoted.membership.id, "finance").expect(409)).body.error.code).toBe("last_owner");
  });

  it("an owner whose account is disabled does not count as the other owner", async () => {
    const tm = await team();
    const ghost = await t.make.member("owner", { org: tm.owner.org, user: { disabledAt: new Date() } });
    expect((await patchRole(tm.owner, tm.owner.membership.id, "admin").expect(409)).body.error.code).toBe("last_owner");
    expect(ghost.membership.role).toBe("owner");
  });

  it("two owners stepping down at once leave one owner, never none", async () => {
    // Both are owners when their requests are authenticated; only the org lock makes the second see it is the last.
    for (let round = 0; round < 5; round++) {
      const a = await t.make.member("owner");
      const b = await t.make.member("owner", { org: a.org });
      const [x, y] = await Promise.all([patchRole(a, a.membership.id, "admin"), patchRole(b, b.membership.id, "admin")]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const owners = await t.owner.query(
        `SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND role = 'owner' AND revoked_at IS NULL`,
        [a.org.orgId],
      );
      expect(owners.rows).toEqual([{ n: 1 }]);
    }
  });

  it("validates the role and the id", async () => {
    const tm = await team();
    expect((await patchRole(tm.owner, tm.finance.membership.id, "superuser" as Role).expect(400)).body.error.code).toBe(
      "validation_failed",
    );
    expect((await patchRole(tm.owner, "not-a-uuid", "finance").expect(400)).body.error.code).toBe("validation_failed");
  });
});

describe("DELETE /memberships/:id (revoke)", () => {
  it("revokes (audited) and ends the member's refresh tokens there; the last owner cannot be removed", async () => {
    const tm = await team();
    const login = await request(t.app)
      .post("/auth/login")
      .send({ email: tm.finance.user.email, password: tm.finance.user.password })
      .expect(200);
    await revoke(tm.admin, tm.finance.membership.id).expect(204);
    expect((await request(t.app).post("/auth/refresh").send({ refresh_token: login.body.refresh_token }).expect(401)).body.error.code).toBe(
      "refresh_token_invalid",
    );
    const row = await t.owner.query(`SELECT revoked_at FROM memberships WHERE id = $1`, [tm.finance.membership.id]);
    expect(row.rows[0]?.revoked_at).toBeInstanceOf(Date);
    const audit = await t.owner.query(`SELECT changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'membership.revoked'`, [
      tm.owner.org.orgId,
    ]);
    expect(audit.rows[0]?.changes).toMatchObject({ user_id: tm.finance.user.id, role: "finance", revoked_refresh_tokens: 1 });
    // Already revoked: not found; an admin cannot remove an owner; the last owner cannot remove himself.
    await revoke(tm.admin, tm.finance.membership.id).expect(404);
    await revoke(tm.admin, tm.owner.membership.id).expect(403);
    expect((await revoke(tm.owner, tm.owner.membership.id).expect(409)).body.error.code).toBe("last_owner");
    // A member may leave.
    await revoke(tm.admin, tm.admin.membership.id).expect(204);
  });
});

describe("POST /org/transfer-ownership", () => {
  it("makes the target owner and the caller admin, in one step (audited); only an owner may", async () => {
    const tm = await team();
    await request(t.app)
      .post("/org/transfer-ownership")
      .set(bearer(tokenOf(tm.admin)))
      .send({ membership_id: tm.admin.membership.id })
      .expect(403);
    const res = await request(t.app)
      .post("/org/transfer-ownership")
      .set(bearer(tokenOf(tm.owner)))
      .send({ membership_id: tm.dispatcher.membership.id })
      .expect(200);
    expect(res.body).toMatchObject({
      owner: { id: tm.dispatcher.membership.id, role: "owner" },
      previous_owner: { id: tm.owner.membership.id, role: "admin" },
    });
    // The former owner's token still works, with the rights of an admin now.
    await request(t.app)
      .get("/org/billing")
      .set(bearer(tokenOf(tm.owner)))
      .expect(403);
    await request(t.app)
      .get("/org/billing")
      .set(bearer(tokenOf(tm.dispatcher, "dispatcher")))
      .expect(200);
    const audit = await t.owner.query(`SELECT entity_id FROM admin_audit_logs WHERE org_id = $1 AND action = 'ownership.transferred'`, [
      tm.owner.org.orgId,
    ]);
    expect(audit.rows).toEqual([{ entity_id: tm.dispatcher.membership.id }]);
    const newOwner = { ...tm.dispatcher, membership: { ...tm.dispatcher.membership, role: "owner" as const } };
    expect(
      (
        await request(t.app)
          .post("/org/transfer-ownership")
          .set(bearer(tokenOf(newOwner)))
          .send({ membership_id: newOwner.membership.id })
          .expect(409)
      ).body.error.code,
    ).toBe("conflict");
  });
});

describe("another org's membership id is 404, exactly like a missing one, for every verb", () => {
  let mine: Member;
  let theirs: Member;
  const missing = "6b1f0c2e-0d4a-4c43-9a7e-2f5d8c1b3a90";

  beforeAll(async () => {
    mine = await t.make.member("owner");
    theirs = await t.make.member("finance");
  });

  const cases = [
    [
      "GET",
      (id: string) =>
        request(t.app)
          .get(`/memberships/${id}`)
          .set(bearer(tokenOf(mine))),
    ],
    [
      "PATCH",
      (id: string) =>
        request(t.app)
          .patch(`/memberships/${id}`)
          .set(bearer(tokenOf(mine)))
          .send({ role: "admin" }),
    ],
    [
      "DELETE",
      (id: string) =>
        request(t.app)
          .delete(`/memberships/${id}`)
          .set(bearer(tokenOf(mine))),
    ],
    [
      "POST transfer-ownership",
      (id: string) =>
        request(t.app)
          .post("/org/transfer-ownership")
          .set(bearer(tokenOf(mine)))
          .send({ membership_id: id }),
    ],
  ] as const;

  it.each(cases)("%s", async (_verb, call) => {
    const foreign = await call(theirs.membership.id).expect(404);
    const absent = await call(missing).expect(404);
    expect(foreign.body.error.code).toBe("not_found");
    expect(foreign.body.error.message).toBe(absent.body.error.message);
    const untouched = await t.owner.query(`SELECT role, revoked_at FROM memberships WHERE id = $1`, [theirs.membership.id]);
    expect(untouched.rows).toEqual([{ role: "finance", revoked_at: null }]);
  });
});

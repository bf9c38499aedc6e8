import { recording } from "@cleanops/db/testing/sql-recorder";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

// The platform tables behind the database's guard (0052), seen through admin-api's own flows and its own connection.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Session = { access_token: string; refresh_token: string; organization?: { org_id: string }; user: { id: string } };

const tokenOf = (m: Member) => accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: m.membership.role }, { now: t.clock.now() });

async function signIn(m: Member, orgId: string): Promise<Session> {
  const res = await request(t.app).post("/auth/login").send({ email: m.user.email, password: m.user.password, org_id: orgId }).expect(200);
  return res.body as Session;
}

/** What the app role sent during `work`, one entry per round trip, lower-cased. */
async function sentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const from = recording.statements.length;
  await work();
  return recording.statements.slice(from).map((s) => s.sql.trim().toLowerCase());
}

/** A statement as the app's own role (the ORM's connection), in a transaction rolled back afterwards. */
async function asApp<T>(sql: string): Promise<T[]> {
  return t.orm.em.fork().transactional((em) => em.execute<T[]>(sql));
}

describe("admin-api under the platform tables' row-level security", () => {
  it("checks the live membership per request with one statement (0052's find_live_membership), no transaction around it", async () => {
    const m = await t.make.member("dispatcher");
    const sent = await sentDuring(() =>
      request(t.app)
        .get("/me")
        .set(bearer(tokenOf(m)))
        .expect(200),
    );
    // The request's first statement is the check, naming the token's user and org; no BEGIN/COMMIT pair around it.
    expect(sent[0], sent.join("\n")).toContain("find_live_membership(");
    expect(sent[0]).toContain(m.user.id);
    expect(sent[0]).toContain(m.org.orgId);
    expect(sent.filter((s) => s.includes("find_live_membership"))).toHaveLength(1);
  });

  it("leaves the app's own connection, without settings, blind to a new sign-up's account, org, session and mail", async () => {
    const res = await request(t.app)
      .post("/orgs")
      .send({ organization: { name: "Guarded Co" }, owner: { email: "guarded@example.test", password: "a-long-enough-password" } })
      .expect(201);
    const body = res.body as Session & { organization: { org_id: string } };
    const seen = await asApp<{ users: number; orgs: number; members: number; tokens: number; links: number; mails: number }>(
      `select (select count(*) from users where email = 'guarded@example.test')::int as users,
              (select count(*) from organizations where slug = 'guarded-co')::int as orgs,
              (select count(*) from memberships where user_id = '${body.user.id}')::int as members,
              (select count(*) from refresh_tokens where user_id = '${body.user.id}')::int as tokens,
              (select count(*) from account_tokens where user_id = '${body.user.id}')::int as links,
              (select count(*) from mail_outbox where to_address = 'guarded@example.test')::int as mails`,
    );
    expect(seen).toEqual([{ users: 0, orgs: 0, members: 0, tokens: 0, links: 0, mails: 0 }]);
    // The owner sees what the app wrote: the guard hid it, the flow did not skip it.
    const written = await t.owner.query<{ n: number }>(
      `select (select count(*) from refresh_tokens where user_id = $1) + (select count(*) from account_tokens where user_id = $1) as n`,
      [body.user.id],
    );
    expect(Number(written.rows[0]?.n)).toBe(2);
    await expect(asApp(`select password_hash from users`)).rejects.toMatchObject({ code: "42501" });
    await expect(asApp(`select count(*) from login_attempts`)).rejects.toMatchObject({ code: "42501" });
  });

  it("an admin revoking a member ends that member's sessions in this org only; their other org's session lives on", async () => {
    const admin = await t.make.member("admin");
    const elsewhere = await t.make.member("finance");
    const both = await t.make.membership({ org: admin.org, user: elsewhere.user, role: "dispatcher" });
    const here = await signIn({ ...elsewhere, org: admin.org, membership: both }, admin.org.orgId);
    const there = await signIn(elsewhere, elsewhere.org.orgId);
    await request(t.app)
      .delete(`/memberships/${both.id}`)
      .set(bearer(tokenOf(admin)))
      .expect(204);
    await request(t.app).post("/auth/refresh").send({ refresh_token: here.refresh_token }).expect(401);
    await request(t.app).post("/auth/refresh").send({ refresh_token: there.refresh_token }).expect(200);
  });
});

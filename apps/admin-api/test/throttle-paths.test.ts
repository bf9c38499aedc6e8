import { pino } from "pino";
import request from "supertest";
import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";

/**
 * Every path that checks a password shares the sign-in throttle, not only POST /auth/login: signing up a new org
 * with an existing account, and accepting an invitation as an existing account. Otherwise either one would be a way
 * around the limit to guess passwords.
 */
let t: TestApp;
let app: Express;

beforeAll(async () => {
  t = await startTestApp();
  // Behind a trusted proxy, so each case picks the client it attacks from.
  app = createApp({ orm: t.orm, logger: pino({ level: "error" }), keyRing: TEST_KEY_RING, clock: t.clock.now, trustProxy: true });
});
afterAll(async () => {
  await t.close();
});

let nextIp = 1;
const freshIp = () => `198.51.100.${nextIp++}`;
const tokenOf = (m: Member) => accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: m.membership.role }, { now: t.clock.now() });

describe("the password throttle on every path that checks a password", () => {
  it("POST /orgs with an existing email: ten wrong passwords, then 429 even with the right one, and no org is created", async () => {
    const { user } = await t.make.member("dispatcher");
    const attacker = freshIp();
    const signUp = (password: string, slug: string) =>
      request(app)
        .post("/orgs")
        .set("x-forwarded-for", attacker)
        .send({ organization: { name: "Side Business", slug }, owner: { email: user.email, password } });
    for (let i = 0; i < 10; i++) {
      const wrong = await signUp("not-my-password", `side-${i}`).expect(401);
      expect(wrong.body.error.code).toBe("invalid_credentials");
      t.clock.advance(10);
    }
    const blocked = await signUp(user.password, "side-right").expect(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect((await t.owner.query(`SELECT 1 FROM organizations WHERE slug LIKE 'side-%'`)).rowCount).toBe(0);
    // One throttle: the failures on this path also hold the account's sign-in from that client.
    await request(app)
      .post("/auth/login")
      .set("x-forwarded-for", attacker)
      .send({ email: user.email, password: user.password })
      .expect(429);
  });

  it("POST /invitations/accept for an existing account: ten wrong passwords, then 429 even with the right one, invitation unspent", async () => {
    const owner = await t.make.member("owner");
    const invitee = await t.make.user();
    const invited = await request(app)
      .post("/invitations")
      .set(bearer(tokenOf(owner)))
      .send({ email: invitee.email, role: "finance" })
      .expect(201);
    const token = (invited.body as { token: string }).token;
    const attacker = freshIp();
    const accept = (password: string) =>
      request(app).post("/invitations/accept").set("x-forwarded-for", attacker).send({ token, email: invitee.email, password });
    for (let i = 0; i < 10; i++) {
      const wrong = await accept("not-my-password").expect(401);
      expect(wrong.body.error.code).toBe("invalid_credentials");
      t.clock.advance(10);
    }
    const blocked = await accept(invitee.password).expect(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    const inv = await t.owner.query<{ accepted_at: Date | null }>(`SELECT accepted_at FROM invitations WHERE org_id = $1`, [
      owner.org.orgId,
    ]);
    expect(inv.rows).toEqual([{ accepted_at: null }]);
    const member = await t.owner.query(`SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2`, [owner.org.orgId, invitee.id]);
    expect(member.rowCount).toBe(0);

    // Once the window has passed, the right password redeems it.
    t.clock.advance(15 * 60);
    await accept(invitee.password).expect(200);
  });
});

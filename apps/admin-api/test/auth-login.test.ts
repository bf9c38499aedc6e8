import { verifyAccessToken } from "@cleanops/auth";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "./support/factories.ts";
import { eventually, startTestApp, type TestApp } from "./support/test-app.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type AuditRow = {
  org_id: string;
  action: string;
  actor_user_id: string | null;
  entity_id: string | null;
  changes: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
};

async function auditRows(action: string, entityId: string): Promise<AuditRow[]> {
  const r = await t.owner.query<AuditRow>(
    `SELECT org_id, action, actor_user_id, entity_id, changes, host(ip) AS ip, request_id FROM admin_audit_logs
      WHERE action = $1 AND entity_id = $2 ORDER BY created_at, org_id`,
    [action, entityId],
  );
  return r.rows;
}

const login = (body: Record<string, unknown>, ip?: string) => {
  const req = request(t.app).post("/auth/login");
  if (ip) req.set("x-forwarded-for", ip);
  return req.send(body);
};

describe("POST /auth/login", () => {
  it("signs a single-org member in: tokens for that org, the role from the membership, an audit entry", async () => {
    const { org, user, membership } = await t.make.member("finance");
    const res = await login({ email: `  ${user.email.toUpperCase()} `, password: user.password })
      .set("x-request-id", "req-login-1")
      .expect(200);
    expect(res.body).toMatchObject({
      token_type: "Bearer",
      expires_in: 900,
      org: { org_id: org.orgId, name: org.name, slug: org.slug },
      role: "finance",
      user: { id: user.id, email: user.email },
    });
    const body = res.body as { access_token: string; refresh_token: string };
    const verified = verifyAccessToken(body.access_token, { keyRing: TEST_KEY_RING, audience: "admin-api", now: t.clock.now() });
    expect(verified.ok && verified.claims).toMatchObject({ sub: user.id, orgId: org.orgId, role: "finance" });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash of the refresh token is stored.
    const stored = await t.owner.query(`SELECT token_hash FROM refresh_tokens WHERE user_id = $1`, [user.id]);
    expect(stored.rows).toHaveLength(1);
    expect(JSON.stringify(stored.rows)).not.toContain(body.refresh_token);

    const me = await request(t.app).get("/me").set(bearer(body.access_token)).expect(200);
    expect(me.body).toMatchObject({
      org_id: org.orgId,
      role: "finance",
      memberships: [{ membership_id: membership.id, org_id: org.orgId, role: "finance" }],
    });

    const audit = await auditRows("auth.login", user.id);
    expect(audit).toEqual([
      // Our own id, not the client's (which is not trusted to be unique): the client's is only echoed back.
      expect.objectContaining({
        org_id: org.orgId,
        actor_user_id: user.id,
        request_id: res.headers["x-request-id"],
        changes: { role: "finance" },
      }),
    ]);
    expect(res.headers["x-request-id"]).not.toBe("req-login-1");
    expect(res.headers["x-client-request-id"]).toBe("req-login-1");
  });

  it("with several memberships and no org_id lists the orgs and issues no token; with org_id signs in to that org", async () => {
    const a = await t.make.member("owner");
    const b = await t.make.org({ name: "Zeta Cleaning" });
    await t.make.membership({ org: b, user: a.user, role: "dispatcher" });
    const revoked = await t.make.org();
    await t.make.membership({ org: revoked, user: a.user, role: "admin", revokedAt: new Date() });

    const choose = await login({ email: a.user.email, password: a.user.password }).expect(200);
    expect(choose.body).toEqual({
      org_required: true,
      user: { id: a.user.id, email: a.user.email, name: a.user.name },
      orgs: [
        { org_id: a.org.orgId, name: a.org.name, slug: a.org.slug, role: "owner" },
        { org_id: b.orgId, name: "Zeta Cleaning", slug: b.slug, role: "dispatcher" },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    });
    expect(choose.body.access_token).toBeUndefined();
    expect(choose.body.refresh_token).toBeUndefined();

    const inB = await login({ email: a.user.email, password: a.user.password, org_id: b.orgId }).expect(200);
    expect(inB.body).toMatchObject({ org: { org_id: b.orgId }, role: "dispatcher" });
    // A revoked membership, or an org the user never belonged to, is refused even with the right password.
    for (const orgId of [revoked.orgId, (await t.make.org()).orgId]) {
      const res = await login({ email: a.user.email, password: a.user.password, org_id: orgId }).expect(401);
      expect(res.body.error.code).toBe("membership_revoked");
    }
  });

  it("answers an unknown email, a wrong password and a disabled account with the same 401", async () => {
    const { user } = await t.make.member("admin");
    const disabled = await t.make.member("admin", { user: { disabledAt: new Date() } });
    const answers = [
      await login({ email: "nobody-here@example.test", password: "whatever-it-is" }).expect(401),
      await login({ email: user.email, password: "not-the-password" }).expect(401),
      await login({ email: disabled.user.email, password: disabled.user.password }).expect(401),
    ];
    for (const res of answers) {
      expect(res.body.error).toEqual({
        code: "invalid_credentials",
        message: "The email or password is incorrect.",
        request_id: expect.any(String),
      });
    }
  });

  it("records failures: every attempt in login_attempts, a known account's in each of its orgs' audit log", async () => {
    const { org, user } = await t.make.member("dispatcher");
    const second = await t.make.org();
    await t.make.membership({ org: second, user, role: "finance" });
    await login({ email: user.email, password: "wrong-password!" }, "198.51.100.7").expect(401);
    await login({ email: "ghost@example.test", password: "wrong-password!" }, "198.51.100.7").expect(401);

    // Audited after the answer (so a known account is not slower to refuse than an unknown email).
    const failed = await eventually(async () => {
      const rows = await auditRows("auth.login_failed", user.id);
      expect(rows.map((r) => r.org_id).sort()).toEqual([org.orgId, second.orgId].sort());
      return rows;
    });
    expect(failed[0]).toMatchObject({ actor_user_id: null, changes: { email: user.email, reason: "wrong_password" } });
    const attempts = await t.owner.query(
      `SELECT email, host(ip) AS ip, succeeded FROM login_attempts WHERE email = ANY($1) ORDER BY attempted_at`,
      [[user.email, "ghost@example.test"]],
    );
    // Without "trust proxy" the forwarded header is ignored: the IP is the socket's.
    expect(attempts.rows).toEqual([
      { email: user.email, ip: "127.0.0.1", succeeded: false },
      { email: "ghost@example.test", ip: "127.0.0.1", succeeded: false },
    ]);
    expect(t.logText()).toContain('"reason":"unknown_email"');
  });

  it("validates the body: 400 validation_failed", async () => {
    for (const body of [
      {},
      { email: "not-an-email", password: "x" },
      { email: "a@b.test", password: "" },
      { email: "a@b.test", password: "x", org_id: "nope" },
    ]) {
      const res = await login(body).expect(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });
});

describe("login throttling: bounded guessing, no lock-out of the owner", () => {
  // Each case runs on its own IPs, set through a trusted proxy header, so the cases do not count each other's failures.
  async function appBehindProxy() {
    const { createApp } = await import("../src/app.ts");
    const { pino } = await import("pino");
    return createApp({ orm: t.orm, logger: pino({ level: "error" }), keyRing: TEST_KEY_RING, clock: t.clock.now, trustProxy: true });
  }
  const attempt = (app: Express, ip: string, email: string, password: string) =>
    request(app).post("/auth/login").set("x-forwarded-for", ip).send({ email, password });

  it("per account and client: the 11th attempt from that client is 429 with Retry-After, even with the right password, until the window passes", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("admin");
    for (let i = 0; i < 10; i++) {
      await attempt(app, "203.0.113.1", user.email, "bad-password").expect(401);
      t.clock.advance(10);
    }
    const blocked = await attempt(app, "203.0.113.1", user.email, user.password).expect(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    // The first failure was 100 s ago: it leaves the 15-minute window in 800 s.
    expect(blocked.headers["retry-after"]).toBe("800");
    t.clock.advance(801);
    await attempt(app, "203.0.113.1", user.email, user.password).expect(200);
  });

  it("ten wrong passwords from elsewhere do not lock the owner out of their own client", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("owner");
    // The owner's usual client, known to the account.
    await attempt(app, "203.0.113.200", user.email, user.password).expect(200);
    t.clock.advance(1);
    for (let i = 0; i < 10; i++) await attempt(app, "203.0.113.66", user.email, "attacker-guess").expect(401);
    await attempt(app, "203.0.113.66", user.email, user.password).expect(429);
    await attempt(app, "203.0.113.200", user.email, user.password).expect(200);
  });

  it("across many clients: growing delays for clients new to the account, never for the owner's known client", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("dispatcher");
    await attempt(app, "203.0.114.200", user.email, user.password).expect(200);
    t.clock.advance(1);
    // Ten failures, each from its own address, all at one instant.
    for (let i = 0; i < 10; i++) await attempt(app, `203.0.114.${i + 1}`, user.email, "spread-guess").expect(401);
    const delayed = await attempt(app, "203.0.114.50", user.email, user.password).expect(429);
    expect(delayed.headers["retry-after"]).toBe("1");
    await attempt(app, "203.0.114.200", user.email, user.password).expect(200);
    // The known client's success restarted the account's count: a new client is let in again.
    await attempt(app, "203.0.114.51", user.email, user.password).expect(200);
    t.clock.advance(1);

    // Past the 10th failure the delay doubles with each one: after 13, a new client waits 8 s.
    for (let i = 0; i < 13; i++) {
      // Each attempt past the 10th waits exactly its delay (1, 2, 4 s), so none of them is refused.
      if (i >= 10) t.clock.advance(2 ** (i - 10));
      await attempt(app, `203.0.114.${100 + i}`, user.email, "spread-guess").expect(401);
    }
    const longer = await attempt(app, "203.0.114.150", user.email, user.password).expect(429);
    expect(longer.headers["retry-after"]).toBe("8");
  });

  it("per account, under a concurrent burst from one client: exactly ten wrong passwords are checked, the rest are 429", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("dispatcher");
    const statuses = await Promise.all(
      Array.from({ length: 25 }, () => attempt(app, "198.51.100.77", user.email, "bad-password").then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it("per IP: thirty failures on other accounts from one IP block that IP for every account, not other IPs", async () => {
    const app = await appBehindProxy();
    for (let i = 0; i < 30; i++) await attempt(app, "192.0.2.50", `spray-${i}@example.test`, "guess-guess").expect(401);
    const { user } = await t.make.member("finance");
    const res = await attempt(app, "192.0.2.50", user.email, user.password).expect(429);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    await attempt(app, "192.0.2.51", user.email, user.password).expect(200);
  });

  it("groups IPv6 clients by /64: rotating addresses inside one /64 does not reset the count, another /64 is another client", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("finance");
    for (let i = 0; i < 10; i++) await attempt(app, `2001:db8:7:1::${(i + 1).toString(16)}`, user.email, "v6-guess").expect(401);
    await attempt(app, "2001:db8:7:1:ffff:ffff:ffff:fffe", user.email, user.password).expect(429);
    t.clock.advance(2);
    await attempt(app, "2001:db8:7:2::1", user.email, user.password).expect(200);
    const rows = await t.owner.query<{ ip: string }>(
      `SELECT DISTINCT host(ip) || '/' || masklen(ip) AS ip FROM login_attempts WHERE email = $1`,
      [user.email],
    );
    expect(rows.rows.map((r) => r.ip).sort()).toEqual(["2001:db8:7:1::/64", "2001:db8:7:2::/64"]);
  });

  it("a successful sign-in clears the account's failures, never the IP's", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("dispatcher");
    for (let i = 0; i < 9; i++) await attempt(app, "198.18.0.1", user.email, "typo-typo").expect(401);
    await attempt(app, "198.18.0.1", user.email, user.password).expect(200);
    for (let i = 0; i < 9; i++) await attempt(app, "198.18.0.1", user.email, "typo-again").expect(401);
    // 18 failures from this client in the window, but only 9 since the success: not blocked.
    await attempt(app, "198.18.0.1", user.email, user.password).expect(200);

    // An attacker's own valid account does not reset the failures of the IP it sprays from.
    const mine = await t.make.member("finance");
    for (let i = 0; i < 30; i++) await attempt(app, "198.18.9.9", `victim-${i}@example.test`, "guess-guess").expect(401);
    await attempt(app, "198.18.9.9", mine.user.email, mine.user.password).expect(429);
  });
});

describe("logs", () => {
  it("never contain a password or a token", async () => {
    const { user } = await t.make.member("owner");
    const ok = (await login({ email: user.email, password: user.password }).expect(200)).body as {
      access_token: string;
      refresh_token: string;
    };
    await request(t.app).get("/me").set(bearer(ok.access_token)).expect(200);
    await request(t.app).post("/auth/refresh").send({ refresh_token: ok.refresh_token }).expect(200);
    await login({ email: user.email, password: "a-wrong-secret-password" }).expect(401);
    const logs = t.logText();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [user.password, "a-wrong-secret-password", ok.access_token, ok.refresh_token]) {
      expect(logs).not.toContain(secret);
    }
  });
});

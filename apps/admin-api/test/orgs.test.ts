import { verifyPassword } from "@cleanops/auth";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const signUp = (body: unknown) =>
  request(t.app)
    .post("/orgs")
    .send(body as object);

describe("POST /orgs (sign-up)", () => {
  it("creates the org, its owner, billing stub and invoice sequence, audits it, and signs the owner in", async () => {
    const res = await signUp({
      organization: { name: "Sparkle & Shine" },
      owner: { email: "Olga@Sparkle.test", password: "a-long-enough-password", name: "Olga" },
    }).expect(201);
    expect(res.body).toMatchObject({
      organization: { name: "Sparkle & Shine", slug: "sparkle-shine", status: "active" },
      role: "owner",
      user: { email: "olga@sparkle.test", name: "Olga" },
      token_type: "Bearer",
    });
    const created = res.body as { organization: { org_id: string }; org: { org_id: string }; access_token: string };
    const orgId = created.organization.org_id;
    expect(created.org.org_id).toBe(orgId);

    const q = async (sql: string): Promise<Record<string, unknown>[]> => (await t.owner.query<Record<string, unknown>>(sql, [orgId])).rows;
    expect(await q(`SELECT plan, status, seats FROM organization_billing WHERE org_id = $1`)).toEqual([
      { plan: "free", status: "active", seats: 1 },
    ]);
    expect(await q(`SELECT prefix, next_value FROM invoice_number_sequences WHERE org_id = $1`)).toEqual([
      { prefix: "INV", next_value: 1 },
    ]);
    const [owner] = await q(
      `SELECT u.email, u.password_hash, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1`,
    );
    expect(owner).toMatchObject({ email: "olga@sparkle.test", role: "owner" });
    expect(await verifyPassword(String(owner?.password_hash), "a-long-enough-password")).toBe(true);
    expect(await q(`SELECT action, entity_type FROM admin_audit_logs WHERE org_id = $1`)).toEqual([
      { action: "org.created", entity_type: "organization" },
    ]);

    const org = await request(t.app).get("/org").set(bearer(created.access_token)).expect(200);
    expect(org.body).toMatchObject({ org_id: orgId, name: "Sparkle & Shine", slug: "sparkle-shine" });
  });

  it("lets an existing account own one more org with its password, and refuses a wrong one like a sign-in", async () => {
    const m = await t.make.member("dispatcher");
    const wrong = await signUp({
      organization: { name: "Side Business" },
      owner: { email: m.user.email, password: "not-my-password" },
    }).expect(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    const ok = await signUp({
      organization: { name: "Side Business", slug: "side-biz" },
      owner: { email: m.user.email, password: m.user.password },
    }).expect(201);
    expect(ok.body).toMatchObject({ organization: { slug: "side-biz" }, user: { id: m.user.id }, role: "owner" });
    const count = await t.owner.query(`SELECT count(*)::int AS n FROM memberships WHERE user_id = $1`, [m.user.id]);
    expect(count.rows).toEqual([{ n: 2 }]);
  });

  it("refuses a taken slug (409) and leaves nothing behind; validates the body (400)", async () => {
    const taken = await t.make.org({ slug: "taken-slug" });
    const res = await signUp({
      organization: { name: "Copycat", slug: taken.slug },
      owner: { email: "copy@cat.test", password: "a-long-enough-password" },
    }).expect(409);
    expect(res.body.error.code).toBe("conflict");
    expect((await t.owner.query(`SELECT 1 FROM users WHERE email = 'copy@cat.test'`)).rowCount).toBe(0);

    for (const body of [
      {},
      { organization: { name: "" }, owner: { email: "x@y.test", password: "a-long-enough-password" } },
      { organization: { name: "Ok", slug: "Not A Slug" }, owner: { email: "x@y.test", password: "a-long-enough-password" } },
      { organization: { name: "Ok" }, owner: { email: "nope", password: "a-long-enough-password" } },
      { organization: { name: "Ok" }, owner: { email: "new@short.test", password: "short" } },
    ]) {
      expect((await signUp(body).expect(400)).body.error.code).toBe("validation_failed");
    }
  });
});

describe("GET and PATCH /org, GET /org/billing", () => {
  it("every role reads the org; owner and admin rename it (audited); dispatcher and finance cannot", async () => {
    const owner = await t.make.member("owner");
    const token = (role: "owner" | "admin" | "dispatcher" | "finance", userId: string) =>
      accessTokenFor({ userId, orgId: owner.org.orgId, role }, { now: t.clock.now() });
    const others = {
      admin: await t.make.member("admin", { org: owner.org }),
      dispatcher: await t.make.member("dispatcher", { org: owner.org }),
      finance: await t.make.member("finance", { org: owner.org }),
    };
    for (const [role, m] of Object.entries(others) as [keyof typeof others, (typeof others)["admin"]][]) {
      await request(t.app)
        .get("/org")
        .set(bearer(token(role, m.user.id)))
        .expect(200);
    }
    const renamed = await request(t.app)
      .patch("/org")
      .set(bearer(token("admin", others.admin.user.id)))
      .send({ name: "  New Name  " })
      .expect(200);
    expect(renamed.body).toMatchObject({ org_id: owner.org.orgId, name: "New Name", slug: owner.org.slug });
    for (const role of ["dispatcher", "finance"] as const) {
      const res = await request(t.app)
        .patch("/org")
        .set(bearer(token(role, others[role].user.id)))
        .send({ name: "Nope" })
        .expect(403);
      expect(res.body.error).toMatchObject({ code: "forbidden", details: { capability: "org.update" } });
    }
    const audit = await t.owner.query(`SELECT actor_user_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'org.updated'`, [
      owner.org.orgId,
    ]);
    expect(audit.rows).toEqual([
      { actor_user_id: others.admin.user.id, changes: { before: { name: owner.org.name }, after: { name: "New Name" } } },
    ]);
    // The slug is not editable here (and the app role may not change it at all).
    expect(
      (
        await request(t.app)
          .patch("/org")
          .set(bearer(token("owner", owner.user.id)))
          .send({ name: "X", slug: "x" })
          .expect(400)
      ).body.error.code,
    ).toBe("validation_failed");

    const billing = await request(t.app)
      .get("/org/billing")
      .set(bearer(token("owner", owner.user.id)))
      .expect(200);
    expect(billing.body).toEqual({ plan: "free", status: "active", seats: 1, current_period_end: null });
    await request(t.app)
      .get("/org/billing")
      .set(bearer(token("admin", others.admin.user.id)))
      .expect(403);
  });
});

describe("POST /orgs tells nobody which emails have accounts, and is limited per client", () => {
  async function appBehindProxy() {
    const { createApp } = await import("../src/app.ts");
    const { pino } = await import("pino");
    const { TEST_KEY_RING } = await import("./support/test-keys.ts");
    return createApp({ orm: t.orm, logger: pino({ level: "error" }), keyRing: TEST_KEY_RING, clock: t.clock.now, trustProxy: true });
  }
  const errorOf = (res: request.Response) => {
    const { request_id: _ignored, ...rest } = (res.body as { error: Record<string, unknown> }).error;
    return { status: res.status, error: rest };
  };

  it("an existing and an unknown email get the same answer for a short password and for a taken slug", async () => {
    const app = await appBehindProxy();
    const { user } = await t.make.member("owner");
    const taken = await t.make.org({ slug: "oracle-taken" });
    const post = (body: object) => request(app).post("/orgs").set("x-forwarded-for", "192.0.2.201").send(body);
    for (const [org, password] of [
      [{ name: "Probe" }, "short"],
      [{ name: "Probe", slug: taken.slug }, "a-long-enough-wrong-password"],
    ] as const) {
      const known = await post({ organization: org, owner: { email: user.email, password } });
      const unknown = await post({ organization: org, owner: { email: "nobody-here@example.test", password } });
      expect(known.status).toBeGreaterThanOrEqual(400);
      expect(errorOf(known)).toEqual(errorOf(unknown));
    }
    expect((await t.owner.query(`SELECT 1 FROM users WHERE email = 'nobody-here@example.test'`)).rowCount).toBe(0);
    // No password was checked, so the account's sign-in count is untouched.
    expect((await t.owner.query(`SELECT 1 FROM login_attempts WHERE email = $1`, [user.email])).rowCount).toBe(0);
  });

  it("ten sign-ups an hour per client (IPv6 by /64), then 429 with Retry-After; other clients are not held", async () => {
    const app = await appBehindProxy();
    const post = (ip: string, n: number) =>
      request(app)
        .post("/orgs")
        .set("x-forwarded-for", ip)
        .send({
          organization: { name: `Burst ${n}` },
          owner: { email: `burst-${ip.replace(/[^0-9a-f]/g, "")}-${n}@example.test`, password: "a-long-enough-password" },
        });
    for (let i = 0; i < 10; i++) await post(`2001:db8:99:1::${i + 1}`, i).expect(201);
    const blocked = await post("2001:db8:99:1::abcd", 10).expect(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(blocked.headers["retry-after"]).toBe("3600");
    await post("2001:db8:99:2::1", 11).expect(201);
    t.clock.advance(3601);
    await post("2001:db8:99:1::abcd", 12).expect(201);
  });
});

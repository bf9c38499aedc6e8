import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, signedIn, snapshotOrg, teamOfRoles, type SignedIn } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let roles: Awaited<ReturnType<typeof teamOfRoles>>;
let other: SignedIn;

beforeAll(async () => {
  t = await startTestApp();
  roles = await teamOfRoles(t);
  other = await signedIn(t, "owner");
});
afterAll(() => t.close());

const create = (who: SignedIn, body: object) => request(t.app).post("/clients").set(who.headers).send(body);

describe("clients", () => {
  it("creates, reads, searches, updates, archives and restores a client, each change audited", async () => {
    const { owner } = roles;
    const made = await create(owner, {
      name: "Ada Lovelace",
      email: " ADA@Example.test ",
      phone: "+44 20 7946 0000",
      address: "12 St James's Sq",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Ada Lovelace", email: "ada@example.test", phone: "+44 20 7946 0000", archived_at: null });
    const id = made.body.id as string;

    expect((await request(t.app).get(`/clients/${id}`).set(owner.headers)).body).toEqual(made.body);
    const found = await request(t.app).get("/clients").query({ q: "lovel" }).set(owner.headers);
    expect((found.body.items as { id: string }[]).map((c) => c.id)).toEqual([id]);
    expect((await request(t.app).get("/clients").query({ q: "7946" }).set(owner.headers)).body.items).toHaveLength(1);
    expect((await request(t.app).get("/clients").query({ q: "100%_" }).set(owner.headers)).body.items).toHaveLength(0);

    const patched = await request(t.app).patch(`/clients/${id}`).set(owner.headers).send({ notes: "Cat: do not let out", phone: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ notes: "Cat: do not let out", phone: null, name: "Ada Lovelace" });

    const archived = await request(t.app).post(`/clients/${id}/archive`).set(owner.headers);
    expect(archived.body.archived_at).not.toBeNull();
    expect((await request(t.app).get("/clients").set(owner.headers)).body.items).toHaveLength(0);
    expect((await request(t.app).get("/clients").query({ include_archived: "true" }).set(owner.headers)).body.items).toHaveLength(1);
    expect((await request(t.app).patch(`/clients/${id}`).set(owner.headers).send({ name: "X" })).status).toBe(409);
    expect((await request(t.app).post(`/clients/${id}/restore`).set(owner.headers)).body.archived_at).toBeNull();

    const audit = await auditRows(t, owner.org.orgId);
    expect(audit.map((a) => a.action)).toEqual(["client.created", "client.updated", "client.archived", "client.restored"]);
    expect(audit[1]).toMatchObject({
      entity_id: id,
      actor_user_id: owner.user.id,
      changes: { before: { notes: null, phone: "+44 20 7946 0000" }, after: { notes: "Cat: do not let out", phone: null } },
    });
    expect(audit.every((a) => typeof a.request_id === "string")).toBe(true);
  });

  it("refuses bad input with 400 validation_failed naming each field, and writes nothing", async () => {
    const before = await snapshotOrg(t, roles.owner.org.orgId);
    const res = await create(roles.owner, { name: "", email: "nope", phone: "call me", extra: 1, notes: "a\u0000b" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const fields = (res.body.error.details.issues as { path: string[] }[]).map((i) => i.path.join("."));
    expect(fields).toEqual(expect.arrayContaining(["name", "email", "phone", "notes", ""]));
    expect((await request(t.app).get("/clients/not-a-uuid").set(roles.owner.headers)).status).toBe(400);
    expect((await request(t.app).get("/clients").query({ limit: 101 }).set(roles.owner.headers)).status).toBe(400);
    expect((await request(t.app).get("/clients").query({ cursor: "garbage" }).set(roles.owner.headers)).status).toBe(400);
    expect(await snapshotOrg(t, roles.owner.org.orgId)).toEqual(before);
  });

  it("lets every role read and only owner, admin and dispatcher write", async () => {
    for (const role of ["owner", "admin", "dispatcher"] as const) {
      expect((await create(roles[role], { name: `By ${role}` })).status, role).toBe(201);
    }
    const refused = await create(roles.finance, { name: "By finance" });
    expect([refused.status, refused.body.error.code]).toEqual([403, "forbidden"]);
    expect((await request(t.app).get("/clients").set(roles.finance.headers)).status).toBe(200);
  });

  it("answers another org's client with 404, exactly like a missing one, and leaves it unchanged", async () => {
    const theirs = (await create(other, { name: "Their client" })).body.id as string;
    const before = await snapshotOrg(t, other.org.orgId);
    const missing = await request(t.app).get(`/clients/00000000-0000-4000-8000-000000000000`).set(roles.owner.headers);
    for (const [method, path, body] of [
      ["get", `/clients/${theirs}`, undefined],
      ["patch", `/clients/${theirs}`, { name: "Mine now" }],
      ["post", `/clients/${theirs}/archive`, undefined],
      ["post", `/clients/${theirs}/restore`, undefined],
    ] as const) {
      const res = await request(t.app)[method](path).set(roles.owner.headers).send(body);
      expect([path, res.status, res.body.error.code, res.body.error.message]).toEqual([path, 404, "not_found", missing.body.error.message]);
    }
    const list = await request(t.app).get("/clients").query({ q: "Their", limit: 100 }).set(roles.owner.headers);
    expect(list.body.items).toEqual([]);
    expect(await snapshotOrg(t, other.org.orgId)).toEqual(before);
  });

  it("pages newest first with a cursor: every client once, none skipped when many share a millisecond", async () => {
    const org = await signedIn(t, "owner");
    // Rows written in one statement share their created_at to the microsecond: the cursor must still move on.
    await t.owner.query(
      `INSERT INTO client_users (org_id, name, created_at) SELECT $1, 'Bulk ' || g, now() - interval '1 hour' FROM generate_series(1, 7) g`,
      [org.org.orgId],
    );
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1);
      await create(org, { name: `One by one ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(t.app)
        .get("/clients")
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .set(org.headers);
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { name: string }[]).map((c) => c.name));
      cursor = res.body.next_cursor as string | null;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen.slice(0, 3)).toEqual(["One by one 2", "One by one 1", "One by one 0"]);
    expect(new Set(seen).size).toBe(10);
  });
});

describe("control characters", () => {
  it("are refused with 400 in every string field, identity routes included, never a 500", async () => {
    const nul = "a\u0000b";
    const bodies: [string, object][] = [
      ["/clients", { name: nul }],
      ["/orgs", { organization: { name: nul }, owner: { email: "nul@example.test", password: "long-enough-password" } }],
      ["/orgs", { organization: { name: "Fine" }, owner: { email: "nul2@example.test", password: `long-enough-${nul}` } }],
      ["/auth/login", { email: "nul@example.test", password: nul }],
    ];
    for (const [path, body] of bodies) {
      const res = await request(t.app).post(path).set(roles.owner.headers).send(body);
      expect([path, res.status]).toEqual([path, 400]);
    }
  });
});

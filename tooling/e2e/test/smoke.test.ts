import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_ORG_ID } from "@cleanops/db";
import { asAppRole, createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectStatus } from "./support/http-client.ts";
import { REPO_ROOT, runScript, runScriptOk, startStack, type RunningStack } from "./support/processes.ts";

/**
 * The playbook's step 4 as an operator lives it, every step a real process: the CLI on a legacy (0033) database,
 * then `pnpm start --no-demo` on it, then only HTTP against the three apps. One stack for the whole file.
 */

const LEGACY_BOOKINGS = 30;
const PASSWORD = "smoke-test-password-2026";
const JWT_SECRET = "smoke-test-jwt-secret-0123456789-abcdefghijklmnop";
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/** admin-api list routes whose rows come from one table each: the migrated legacy rows must all be listed. */
const LISTED_TABLES: Record<string, string> = {
  "/clients?include_archived=true": "client_users",
  "/teams?include_inactive=true": "teams",
  "/workers": "workers",
  "/bookings": "bookings",
  "/invoices": "invoices",
  "/addons": "addon_definitions",
  "/subscriptions": "subscriptions",
  "/leads": "leads",
  "/checklist-templates": "checklist_templates",
  "/document-templates": "document_templates",
  "/documents": "documents",
  "/email-events": "email_events",
  "/referral-credits": "referral_credits",
};

async function toolsFitServer(url: string): Promise<boolean> {
  const probe = spawnSync("pg_dump", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return false;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const v = await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  await c.end();
  return Number(/(\d+)/.exec(probe.stdout)?.[1]) >= Math.floor(Number(v.rows[0]?.v) / 10_000);
}

async function ownerQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Every id a list route answers, following next_cursor to the end. */
async function listAll(base: string, pathAndQuery: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = pathAndQuery.includes("?") ? "&" : "?";
    const url: string = `${base}${pathAndQuery}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await expectStatus<{ items: { id: string }[]; next_cursor: string | null }>(200, "GET", url, { token });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

type OrgWalk = {
  orgId: string;
  slug: string;
  ownerToken: string;
  workerToken: string;
  ids: { client: string; team: string; worker: string; booking: string; invoice: string; link: string; photo: string };
  linkToken: string;
  name: string;
};

let legacy: TestDatabase;
let restored: TestDatabase | undefined;
let stack: RunningStack | undefined;
let workDir: string;
let backupFile: string | undefined;
let legacyIds: Record<string, string[]>;
const env = () => ({ DATABASE_URL: legacy.url });

beforeAll(async () => {
  legacy = await createTestDatabase("legacy");
  workDir = await mkdtemp(path.join(os.tmpdir(), "cleanops-smoke-"));
});
afterAll(async () => {
  await stack?.stop();
  await legacy?.drop();
  await restored?.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe("the smoke test, from a legacy database to two isolated orgs (real processes)", () => {
  it("1. fills the legacy database and backs it up (or names the client tools to install)", async () => {
    const filled = await runScriptOk("db:legacy-fixture", ["--rows", String(LEGACY_BOOKINGS)], env());
    expect(filled.code).toBe(0);
    legacyIds = {};
    for (const table of Object.values(LISTED_TABLES)) {
      legacyIds[table] = (await ownerQuery<{ id: string }>(legacy.url, `SELECT id::text AS id FROM ${table}`)).map((r) => r.id);
    }
    expect(legacyIds.bookings).toHaveLength(LEGACY_BOOKINGS);
    const file = path.join(workDir, "before-multitenant.dump");
    if (await toolsFitServer(legacy.url)) {
      await runScriptOk("db:backup", ["--out", file], env());
      backupFile = file;
    } else {
      // Embedded PostgreSQL 17 with this machine's pg_dump 15: the command refuses and says what to install.
      const refused = await runScript("db:backup", ["--out", file], env());
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /pg_dump (was not found|\d+ cannot work with a PostgreSQL \d+ server)\. Install the PostgreSQL client tools/,
      );
    }
  });

  it("2. migrates to head and bootstraps the Default org's owner with the CLI, as the runbook says", async () => {
    await runScriptOk("db:migrate", ["--to", "0034"], env());
    await runScriptOk("db:migrate", [], env());
    const status = await runScriptOk("db:status", [], env());
    expect(status.stdout).toMatch(/Pending: none/);
    await runScriptOk("cli", ["user:create", "--email", "owner@smoke.test", "--name", "Olga Owner", "--password", PASSWORD], env());
    const member = await runScriptOk(
      "cli",
      ["member:add", "--org", DEFAULT_ORG_ID, "--email", "owner@smoke.test", "--role", "owner"],
      env(),
    );
    expect(member.stdout).toMatch(/owner of/);
  });

  it("3. starts the three apps with `pnpm start --no-demo` on that database", async () => {
    stack = await startStack(["--no-demo"], {
      DATABASE_URL: legacy.url,
      // The app role's login of the test server: the stack must not change a role every test file shares.
      APP_DATABASE_URL: asAppRole(legacy.url),
      JWT_SECRET,
      PHOTO_STORAGE_DIR: path.join(workDir, "photos"),
    });
    expect(stack.output()).toMatch(/No demo data loaded/);
    for (const url of Object.values(stack.urls)) expect((await call("GET", `${url}/readyz`)).status).toBe(200);
    // Nothing but the operator's own org exists: no demo org was mixed in.
    expect(await ownerQuery(legacy.url, `SELECT org_id FROM organizations`)).toEqual([{ org_id: DEFAULT_ORG_ID }]);
  });

  let first: OrgWalk;
  let second: OrgWalk;

  /** Steps 4 and 6: a team, a worker, a client, a booking assigned to the team, its invoice issued, a link, a photo. */
  async function walkOrg(ownerToken: string, label: string): Promise<OrgWalk> {
    const { adminApi, workerPortal } = stack!.urls;
    const org = await expectStatus<{ org_id: string; slug: string; name: string }>(200, "GET", `${adminApi}/org`, { token: ownerToken });
    const team = await expectStatus<{ id: string }>(201, "POST", `${adminApi}/teams`, {
      token: ownerToken,
      body: { name: `${label} crew` },
    });
    const workerEmail = `worker@${org.slug}.smoke.test`;
    const worker = await expectStatus<{ id: string }>(201, "POST", `${adminApi}/workers`, {
      token: ownerToken,
      body: { name: `${label} worker`, email: workerEmail, team_id: team.id, password: PASSWORD },
    });
    const client = await expectStatus<{ id: string }>(201, "POST", `${adminApi}/clients`, {
      token: ownerToken,
      body: { name: `${label} client`, email: `client@${org.slug}.smoke.test`, address: `1 ${label} Street` },
    });
    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setUTCHours(9, 0, 0, 0);
    const booking = await expectStatus<{ id: string }>(201, "POST", `${adminApi}/bookings`, {
      token: ownerToken,
      body: { client_id: client.id, starts_at: tomorrow.toISOString(), duration_minutes: 120, price_cents: 12_000, currency: "EUR" },
    });
    const assigned = await expectStatus<{ team_id: string }>(200, "POST", `${adminApi}/bookings/${booking.id}/assign`, {
      token: ownerToken,
      body: { team_id: team.id },
    });
    expect(assigned.team_id).toBe(team.id);
    const invoice = await expectStatus<{ id: string }>(201, "POST", `${adminApi}/invoices`, {
      token: ownerToken,
      body: { booking_id: booking.id },
    });
    const issued = await expectStatus<{ status: string }>(200, "POST", `${adminApi}/invoices/${invoice.id}/issue`, { token: ownerToken });
    expect(issued.status).toBe("issued");
    const link = await expectStatus<{ id: string; token: string; url: string }>(
      201,
      "POST",
      `${adminApi}/invoices/${invoice.id}/public-links`,
      {
        token: ownerToken,
        body: {},
      },
    );
    expect(link.url).toBe(`${stack!.urls.publicInvoices}/i/${link.token}`);
    const session = await expectStatus<{ access_token: string }>(200, "POST", `${workerPortal}/auth/login`, {
      body: { org: org.slug, email: workerEmail, password: PASSWORD },
    });
    const form = new FormData();
    form.append("photo", new Blob([PNG], { type: "image/png" }), "door.png");
    const upload = await fetch(`${workerPortal}/jobs/${booking.id}/photos`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.access_token}`, accept: "application/json" },
      body: form,
    });
    const photoText = await upload.text();
    expect(upload.status, photoText).toBe(201);
    return {
      orgId: org.org_id,
      slug: org.slug,
      name: org.name,
      ownerToken,
      workerToken: session.access_token,
      linkToken: link.token,
      ids: {
        client: client.id,
        team: team.id,
        worker: worker.id,
        booking: booking.id,
        invoice: invoice.id,
        link: link.id,
        photo: (JSON.parse(photoText) as { id: string }).id,
      },
    };
  }

  it("4. the owner signs in to admin-api, creates a client and a booking, assigns a team, issues the invoice and its link", async () => {
    const login = await expectStatus<{ access_token: string; role: string; org: { org_id: string } }>(
      200,
      "POST",
      `${stack!.urls.adminApi}/auth/login`,
      { body: { email: "owner@smoke.test", password: PASSWORD } },
    );
    expect(login.role).toBe("owner");
    expect(login.org.org_id).toBe(DEFAULT_ORG_ID);
    first = await walkOrg(login.access_token, "Default");
  });

  it("5. the link pays through the local provider, the webhook lands, admin-api shows it paid; every legacy row is listed", async () => {
    const { adminApi, publicInvoices } = stack!.urls;
    const opened = await expectStatus<{ number: string; balance_cents: number; status: string }>(
      200,
      "GET",
      `${publicInvoices}/i/${first.linkToken}`,
    );
    expect(opened.balance_cents).toBeGreaterThan(0);
    const pay = await call("POST", `${publicInvoices}/i/${first.linkToken}/pay`);
    expect(pay.status).toBe(303);
    const checkout = pay.headers.get("location") ?? "";
    expect(checkout.startsWith(`${publicInvoices}/checkout/local/`)).toBe(true);
    const paid = await fetch(checkout, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "card_number=4242+4242+4242+4242",
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${publicInvoices}/i/${first.linkToken}?paid=1`);
    const invoice = await expectStatus<{ status: string; balance_cents: number; amount_paid_cents: number }>(
      200,
      "GET",
      `${adminApi}/invoices/${first.ids.invoice}`,
      { token: first.ownerToken },
    );
    expect(invoice.status).toBe("paid");
    expect(invoice.balance_cents).toBe(0);
    const payments = await expectStatus<{ items: { amount_cents: number }[] }>(
      200,
      "GET",
      `${adminApi}/invoices/${first.ids.invoice}/payments`,
      {
        token: first.ownerToken,
      },
    );
    expect(payments.items.map((p) => p.amount_cents)).toEqual([invoice.amount_paid_cents]);

    for (const [listPath, table] of Object.entries(LISTED_TABLES)) {
      const listed = await listAll(adminApi, listPath, first.ownerToken);
      const [{ n }] = (await ownerQuery<{ n: number }>(legacy.url, `SELECT count(*)::int AS n FROM ${table}`)) as [{ n: number }];
      expect(listed.length, `${listPath} lists every row of ${table}`).toBe(n);
      for (const id of legacyIds[table] ?? []) expect(listed, `${listPath} misses legacy ${table} ${id}`).toContain(id);
    }
  });

  it("6. a second org signs up through POST /orgs, with its owner, team, worker, client and booking", async () => {
    const signedUp = await expectStatus<{ access_token: string; org: { org_id: string } }>(201, "POST", `${stack!.urls.adminApi}/orgs`, {
      body: { organization: { name: "Smoke Test Co", slug: "smoke-test-co" }, owner: { email: "owner@smoketest.co", password: PASSWORD } },
    });
    expect(signedUp.org.org_id).not.toBe(DEFAULT_ORG_ID);
    second = await walkOrg(signedUp.access_token, "Smoke");
  });

  it("7. neither org sees anything of the other: admin-api lists and ids, worker-portal jobs and photos, invoice links", async () => {
    const { adminApi, workerPortal, publicInvoices } = stack!.urls;
    const document = await expectStatus<{ paths: Record<string, Record<string, unknown>> }>(200, "GET", `${adminApi}/openapi.json`);
    const lists = Object.entries(document.paths)
      .filter(([p, ops]) => "get" in ops && !p.includes("{") && !["/openapi.json", "/docs"].includes(p))
      .map(([p]) => p);
    expect(lists.length).toBeGreaterThan(10);
    for (const [me, them] of [
      [second, first],
      [first, second],
    ] as const) {
      const theirIds = [...Object.values(them.ids), them.orgId, them.linkToken];
      for (const list of lists) {
        const res = await call("GET", `${adminApi}${list}`, { token: me.ownerToken });
        expect(res.status, `GET ${list}`).toBeLessThan(500);
        for (const id of theirIds) expect(res.text, `GET ${list} shows ${id} of ${them.name}`).not.toContain(id);
      }
      for (const [p, id] of [
        ["/clients", them.ids.client],
        ["/teams", them.ids.team],
        ["/workers", them.ids.worker],
        ["/bookings", them.ids.booking],
        ["/invoices", them.ids.invoice],
      ] as const) {
        const res = await call("GET", `${adminApi}${p}/${id}`, { token: me.ownerToken });
        expect(res.status, `GET ${p}/${id}`).toBe(404);
      }
      expect((await call("GET", `${adminApi}/bookings/${them.ids.booking}/photos`, { token: me.ownerToken })).status).toBe(404);
      const jobs = await call("GET", `${workerPortal}/jobs`, { token: me.workerToken });
      expect(jobs.status).toBe(200);
      expect(jobs.text).toContain(me.ids.booking);
      for (const id of theirIds) expect(jobs.text).not.toContain(id);
      expect((await call("GET", `${workerPortal}/jobs/${them.ids.booking}`, { token: me.workerToken })).status).toBe(404);
      expect((await call("GET", `${workerPortal}/photos/${them.ids.photo}`, { token: me.workerToken })).status).toBe(404);
      expect((await call("GET", `${workerPortal}/photos/${me.ids.photo}`, { token: me.workerToken })).status).toBe(200);
      const link = await call("GET", `${publicInvoices}/i/${me.linkToken}`);
      expect(link.status).toBe(200);
      for (const id of [...theirIds, them.name]) expect(link.text).not.toContain(id);
    }
  });

  it("the operator's scripts/smoke.sh (curl and the CLI) passes against the same running stack", async () => {
    const script = spawn("bash", [path.join(REPO_ROOT, "scripts", "smoke.sh")], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        ADMIN_API_URL: stack!.urls.adminApi,
        WORKER_PORTAL_URL: stack!.urls.workerPortal,
        PUBLIC_INVOICES_URL: stack!.urls.publicInvoices,
        OWNER_EMAIL: "owner@smoke.test",
        OWNER_PASSWORD: PASSWORD,
        DATABASE_URL: legacy.url,
        SMOKE_CLI: `${process.execPath} ${path.join(REPO_ROOT, "packages", "cli", "src", "main.ts")}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    script.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    script.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => script.on("close", resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/smoke: database at head/);
    expect(out).toMatch(/smoke: paid through the local provider/);
    expect(out.trim().split("\n").at(-1)).toBe("smoke: OK");
  });

  it("8. the backup restores into a new database equal to the legacy one (catalog and row checksums)", async () => {
    if (!backupFile) {
      // No backup could be taken (step 1 checked the refusal): nothing to restore.
      expect(await toolsFitServer(legacy.url)).toBe(false);
      return;
    }
    restored = await createTestDatabase("empty");
    const r = await runScriptOk("db:restore", [backupFile], { DATABASE_URL: restored.url });
    expect(r.stdout).toMatch(/Restore verified/);
  });
});

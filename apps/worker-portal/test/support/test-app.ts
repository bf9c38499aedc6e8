import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { setTimeout as pause } from "node:timers/promises";
import { hashPassword, signAccessToken } from "@cleanops/auth";
import { ormOptions, tenantOrmOptions } from "@cleanops/db";
import { asAppRole, createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import { filesystemStorage } from "@cleanops/storage";
import { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import pg from "pg";
import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { TEST_KEY_RING } from "./test-keys.ts";

export const PASSWORD = "correct-horse-battery-staple";

/** A clock the test moves; starts at the real time so it agrees with the database's now() for defaults. */
export type TestClock = { now: () => Date; advance: (seconds: number) => void };

export function testClock(start = new Date()): TestClock {
  let t = Math.floor(start.getTime() / 1000) * 1000;
  return { now: () => new Date(t), advance: (seconds) => (t += seconds * 1000) };
}

export type TestApp = {
  app: Express;
  orm: MikroORM;
  /** An owner connection (row-level security does not hide rows from it): factories and reading what the app wrote. */
  owner: pg.Client;
  db: TestDatabase;
  clock: TestClock;
  photoDir: string;
  make: ReturnType<typeof factories>;
  /** Every file under the photo storage root, relative (temporary ones included). */
  storedFiles: () => Promise<string[]>;
  logText: () => string;
  close: () => Promise<void>;
};

/** worker-portal on its own database (cloned from head), as it runs in production: app role, tenant ORM options. */
export async function startTestApp(options: { cookieSecure?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase("head");
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  const orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 6 } })));
  const photoDir = await mkdtemp(path.join(tmpdir(), "wp-photos-"));
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  const clock = testClock();
  const app = createApp({
    orm,
    logger: pino({ level: "debug" }, sink),
    keyRing: TEST_KEY_RING,
    storage: filesystemStorage(photoDir),
    clock: clock.now,
    checkResponses: true,
    cookieSecure: options.cookieSecure ?? false,
  });
  return {
    app,
    orm,
    owner,
    db,
    clock,
    photoDir,
    make: factories(owner),
    storedFiles: async () =>
      (await readdir(photoDir, { recursive: true, withFileTypes: true }))
        .filter((d) => d.isFile())
        .map((d) => path.relative(photoDir, path.join(d.parentPath, d.name))),
    logText: () => chunks.join(""),
    close: async () => {
      await orm.close(true);
      await owner.end();
      await db.drop();
      await rm(photoDir, { recursive: true, force: true });
    },
  };
}

let defaultHash: Promise<string> | undefined;
const short = () => randomUUID().slice(0, 8);

export type OrgRow = { orgId: string; name: string; slug: string };
export type WorkerRow = { id: string; orgId: string; teamId: string | null; email: string; name: string; password: string };

/** Test data written as the owner, each with overridable defaults; passwords are real argon2id hashes. */
export function factories(owner: pg.Client) {
  const one = async <T>(sql: string, params: unknown[]): Promise<T> => {
    const r = await owner.query(sql, params);
    return r.rows[0] as T;
  };

  async function org(overrides: Partial<OrgRow> = {}): Promise<OrgRow> {
    const s = short();
    const row = { orgId: overrides.orgId ?? randomUUID(), name: overrides.name ?? `Org ${s}`, slug: overrides.slug ?? `org-${s}` };
    await owner.query(`INSERT INTO organizations (org_id, name, slug, status) VALUES ($1, $2, $3, 'active')`, [
      row.orgId,
      row.name,
      row.slug,
    ]);
    await owner.query(`INSERT INTO organization_billing (org_id, plan, status, seats) VALUES ($1, 'free', 'active', 1)`, [row.orgId]);
    await owner.query(`INSERT INTO invoice_number_sequences (org_id, prefix, next_value) VALUES ($1, 'INV', 1)`, [row.orgId]);
    return row;
  }

  async function team(o: OrgRow, input: { name?: string; timezone?: string } = {}): Promise<{ id: string }> {
    const t = await one<{ id: string }>(`INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id`, [
      o.orgId,
      input.name ?? `Team ${short()}`,
    ]);
    if (input.timezone) {
      await owner.query(
        `INSERT INTO team_working_hours (org_id, team_id, weekday, starts_at_local, ends_at_local, timezone) VALUES ($1, $2, 1, '08:00', '18:00', $3)`,
        [o.orgId, t.id, input.timezone],
      );
    }
    return t;
  }

  async function worker(
    o: OrgRow,
    teamId: string | null,
    input: {
      name?: string;
      email?: string;
      password?: string | null;
      active?: boolean;
      invite?: { tokenHash: string; expiresAt: Date };
    } = {},
  ): Promise<WorkerRow> {
    const password = input.password === undefined ? PASSWORD : input.password;
    const hash =
      password === null ? null : password === PASSWORD ? await (defaultHash ??= hashPassword(PASSWORD)) : await hashPassword(password);
    const email = input.email ?? `worker-${short()}@example.test`;
    const name = input.name ?? `Worker ${short()}`;
    const r = await one<{ id: string }>(
      `INSERT INTO workers (org_id, team_id, name, email, password_hash, active, invite_token_hash, invite_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [o.orgId, teamId, name, email, hash, input.active ?? true, input.invite?.tokenHash ?? null, input.invite?.expiresAt ?? null],
    );
    return { id: r.id, orgId: o.orgId, teamId, email, name, password: password ?? "" };
  }

  async function client(o: OrgRow, name = `Client ${short()}`): Promise<{ id: string }> {
    return one(`INSERT INTO client_users (org_id, name) VALUES ($1, $2) RETURNING id`, [o.orgId, name]);
  }

  async function booking(
    o: OrgRow,
    input: { teamId: string | null; startsAt: Date; status?: string; clientName?: string; notes?: string | null; address?: string },
  ): Promise<{ id: string }> {
    const c = await client(o, input.clientName);
    return one(
      `INSERT INTO bookings (org_id, client_id, team_id, status, starts_at, duration_minutes, address, price_cents, currency, notes)
       VALUES ($1, $2, $3, $4, $5, 120, $6, 12000, 'EUR', $7) RETURNING id`,
      [
        o.orgId,
        c.id,
        input.teamId,
        input.status ?? "confirmed",
        input.startsAt,
        input.address ?? "1 Main Street",
        input.notes ?? "Key under the mat",
      ],
    );
  }

  async function addon(o: OrgRow, bookingId: string, name: string, quantity: number): Promise<void> {
    const a = await one<{ id: string }>(
      `INSERT INTO addon_definitions (org_id, name, price_cents, currency, duration_minutes) VALUES ($1, $2, 1500, 'EUR', 15) RETURNING id`,
      [o.orgId, `${name} ${short()}`],
    );
    await owner.query(`INSERT INTO order_addons (org_id, booking_id, addon_id, quantity, unit_price_cents) VALUES ($1, $2, $3, $4, 1500)`, [
      o.orgId,
      bookingId,
      a.id,
      quantity,
    ]);
  }

  /** A template with items, attached to the booking as admin-api does it: an open run with no worker and no item rows. */
  async function checklist(
    o: OrgRow,
    bookingId: string,
    items: { label: string; required?: boolean }[],
  ): Promise<{ runId: string; itemIds: string[] }> {
    const t = await one<{ id: string }>(`INSERT INTO checklist_templates (org_id, name) VALUES ($1, $2) RETURNING id`, [
      o.orgId,
      `Standard ${short()}`,
    ]);
    const itemIds: string[] = [];
    for (const [position, item] of items.entries()) {
      const r = await one<{ id: string }>(
        `INSERT INTO checklist_template_items (org_id, template_id, label, position, required) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [o.orgId, t.id, item.label, position, item.required ?? true],
      );
      itemIds.push(r.id);
    }
    const run = await one<{ id: string }>(
      `INSERT INTO checklist_runs (org_id, template_id, booking_id, status) VALUES ($1, $2, $3, 'open') RETURNING id`,
      [o.orgId, t.id, bookingId],
    );
    return { runId: run.id, itemIds };
  }

  return { org, team, worker, client, booking, addon, checklist };
}

/** A worker-portal token as the app signs them (tests that do not need a sign-in). */
export function workerToken(w: { id: string; orgId: string }, now: Date): string {
  return signAccessToken({ audience: "worker-portal", sub: w.id, orgId: w.orgId, role: "worker" }, { keyRing: TEST_KEY_RING, now }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A small but real image of each kind (file-type reads the magic bytes; nothing decodes the pixels). */
export const IMAGES = {
  png: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"),
  webp: Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(32)]),
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic"), Buffer.alloc(4), Buffer.from("mif1heic"), Buffer.alloc(32)]),
  jpeg: Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from("JFIF\0"),
    Buffer.alloc(64, 1),
    Buffer.from([0xff, 0xd9]),
  ]),
};

/** Retries `probe` until it stops throwing or the deadline passes (work that finishes after the answer, e.g. cleanup). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await pause(25);
    }
  }
}

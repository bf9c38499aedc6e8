import { MigrationRunner, createLogger } from "@cleanops/db";
import cliProgress from "cli-progress";
import pg from "pg";

/**
 * The many-tenant dataset: 1,000 orgs, 1,000,000 bookings with a Zipf skew (org 1 holds a quarter of them, the
 * smallest a few dozen), clients, teams, workers, add-ons, invoices with items and payments, public links. Built
 * once into a template database with set-based SQL (generate_series, deterministic md5 ids so no lookups are
 * needed), then cloned per run. The template's comment records what built it; a different version, or a template
 * older than a week ("today's jobs" are relative to the build), is rebuilt.
 */
export const DATASET_VERSION = 3;
export const TEMPLATE_DB = "cleanops_bench_template";
const MAX_AGE_DAYS = 7;

export type DatasetSize = { orgs: number; bookings: number };
export const FULL_SIZE: DatasetSize = { orgs: 1_000, bookings: 1_000_000 };

/** Bookings per org: Zipf with exponent 1.3, at least 20, summing to `total`. Org 1 is the largest. */
export function bookingsPerOrg(size: DatasetSize): number[] {
  const weights = Array.from({ length: size.orgs }, (_, i) => 1 / Math.pow(i + 1, 1.3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(20, Math.floor((w / sum) * size.bookings)));
  const diff = size.bookings - counts.reduce((a, b) => a + b, 0);
  counts[0] = (counts[0] ?? 0) + diff;
  return counts;
}

/** Org n's id: every generated id is an md5 of its kind and numbers, so nothing is looked up while generating. */
export const orgIdSql = (expr: string) => `md5('org-' || ${expr})::uuid`;

function statements(version: number): { name: string; weight: number; sql: string[] }[] {
  const orgs = `bench_orgs`;
  return [
    {
      name: "orgs, owners, sequences",
      weight: 5,
      sql: [
        `INSERT INTO organizations (org_id, name, slug, status, created_at)
         SELECT ${orgIdSql("o.n")}, 'Bench org ' || o.n, 'bench-' || o.n, 'active', now() - interval '800 days' FROM ${orgs} o`,
        `INSERT INTO users (id, email, name) SELECT md5('user-' || o.n)::uuid, 'owner-' || o.n || '@bench.example', 'Owner ' || o.n FROM ${orgs} o`,
        `INSERT INTO memberships (org_id, user_id, role) SELECT ${orgIdSql("o.n")}, md5('user-' || o.n)::uuid, 'owner' FROM ${orgs} o`,
        `INSERT INTO invoice_number_sequences (org_id, prefix, next_value) SELECT ${orgIdSql("o.n")}, 'INV', o.bookings + 1 FROM ${orgs} o`,
      ],
    },
    {
      name: "clients, teams, workers, add-ons",
      weight: 15,
      sql: [
        `INSERT INTO client_users (id, org_id, name, email, address, created_at)
         SELECT md5('c-' || o.n || '-' || k)::uuid, ${orgIdSql("o.n")}, 'Client ' || k, 'client-' || k || '@bench.example',
                k || ' Bench street', now() - interval '790 days' + k * interval '1 minute'
         FROM ${orgs} o, generate_series(0, o.clients - 1) k`,
        `INSERT INTO teams (id, org_id, name) SELECT md5('t-' || o.n || '-' || k)::uuid, ${orgIdSql("o.n")}, 'Team ' || k
         FROM ${orgs} o, generate_series(0, o.teams - 1) k`,
        `INSERT INTO workers (id, org_id, team_id, name, email)
         SELECT md5('w-' || o.n || '-' || k)::uuid, ${orgIdSql("o.n")}, md5('t-' || o.n || '-' || (k / 3))::uuid, 'Worker ' || k,
                'worker-' || k || '@bench.example'
         FROM ${orgs} o, generate_series(0, o.teams * 3 - 1) k`,
        `INSERT INTO addon_definitions (id, org_id, name, price_cents, currency, duration_minutes)
         SELECT md5('a-' || o.n || '-' || k)::uuid, ${orgIdSql("o.n")}, 'Add-on ' || k, 1000 + k * 500, 'USD', 15
         FROM ${orgs} o, generate_series(0, 4) k`,
      ],
    },
    ...Array.from({ length: 10 }, (_, chunk) => ({
      name: `bookings ${chunk + 1}/10`,
      weight: 60,
      sql: chunkStatements(chunk, 10),
    })),
    {
      name: "analyze",
      weight: 10,
      sql: [`ANALYZE`, `COMMENT ON DATABASE ${TEMPLATE_DB} IS 'cleanops bench dataset v${version} built ${new Date().toISOString()}'`],
    },
  ];
}

/**
 * Bookings (and their add-ons, invoices, items, payments and links) of local indexes i in [from, to) of every org,
 * where chunk c of n covers the fraction [c/n, (c+1)/n) of each org's bookings: every chunk is one-tenth of the rows.
 * Local index i of org o: starts_at spreads from 730 days before the build to 30 days after it; past bookings are
 * completed (i % 20 in (7, 13): cancelled), future ones confirmed or requested (unassigned).
 */
function chunkStatements(chunk: number, of: number): string[] {
  const from = `(o.bookings * ${chunk}) / ${of}`;
  const to = `(o.bookings * ${chunk + 1}) / ${of}`;
  const src = `bench_orgs o, generate_series(${from}, ${to} - 1) i`;
  const org = orgIdSql("o.n");
  const starts = `(now() - interval '730 days' + (i::float8 / o.bookings) * interval '760 days')`;
  const future = `(i::float8 / o.bookings) * 760 > 730`;
  const status = `CASE WHEN ${future} THEN (CASE WHEN i % 3 = 0 THEN 'requested' ELSE 'confirmed' END)
                       WHEN i % 20 IN (7, 13) THEN 'cancelled' ELSE 'completed' END`;
  const bookingId = `md5('b-' || o.n || '-' || i)::uuid`;
  const invoiced = `NOT (${future}) AND i % 20 NOT IN (7, 13) AND i % 4 = 0`;
  const invoiceId = `md5('i-' || o.n || '-' || i)::uuid`;
  const issued = `i % 16 = 4`;
  return [
    `INSERT INTO bookings (id, org_id, client_id, team_id, status, starts_at, duration_minutes, address, price_cents, currency, notes, created_at, updated_at)
     SELECT ${bookingId}, ${org}, md5('c-' || o.n || '-' || (i % o.clients))::uuid,
            CASE WHEN ${future} AND i % 3 = 0 THEN NULL ELSE md5('t-' || o.n || '-' || (i % o.teams))::uuid END,
            ${status}, date_trunc('minute', ${starts}), 120, i || ' Bench street', 9000 + (i % 7) * 1000, 'USD',
            CASE WHEN i % 10 = 0 THEN 'Key under the mat' END,
            least(now(), ${starts} - interval '7 days'), least(now(), ${starts} - interval '7 days')
     FROM ${src}`,
    `INSERT INTO order_addons (org_id, booking_id, addon_id, quantity, unit_price_cents, created_at)
     SELECT ${org}, ${bookingId}, md5('a-' || o.n || '-' || (i % 5))::uuid, 1, 1000 + (i % 5) * 500, least(now(), ${starts} - interval '7 days')
     FROM ${src} WHERE i % 5 = 0`,
    `INSERT INTO invoices (id, org_id, number, client_id, booking_id, status, currency, subtotal_cents, tax_cents, total_cents,
                           amount_paid_cents, issued_at, due_at, paid_at, created_at, updated_at)
     SELECT ${invoiceId}, ${org}, 'INV-' || lpad(i::text, 7, '0'), md5('c-' || o.n || '-' || (i % o.clients))::uuid, ${bookingId},
            CASE WHEN ${issued} THEN 'issued' ELSE 'paid' END, 'USD',
            CASE WHEN ${issued} THEN 5000000 ELSE 9000 + (i % 7) * 1000 END, 0,
            CASE WHEN ${issued} THEN 5000000 ELSE 9000 + (i % 7) * 1000 END,
            CASE WHEN ${issued} THEN 0 ELSE 9000 + (i % 7) * 1000 END,
            ${starts}, ${starts} + interval '14 days', CASE WHEN ${issued} THEN NULL ELSE ${starts} + interval '3 days' END,
            ${starts}, ${starts}
     FROM ${src} WHERE ${invoiced}`,
    `INSERT INTO invoice_items (org_id, invoice_id, description, quantity, unit_price_cents, tax_rate_bps, position)
     SELECT ${org}, ${invoiceId}, CASE WHEN p = 0 THEN 'Cleaning' ELSE 'Supplies' END, 1,
            CASE WHEN ${issued} THEN (CASE WHEN p = 0 THEN 4000000 ELSE 1000000 END)
                 ELSE (CASE WHEN p = 0 THEN 8000 + (i % 7) * 1000 ELSE 1000 END) END, 0, p
     FROM ${src}, generate_series(0, 1) p WHERE ${invoiced}`,
    `INSERT INTO invoice_payments (org_id, invoice_id, amount_cents, currency, method, provider, provider_payment_id, received_at, created_at)
     SELECT ${org}, ${invoiceId}, 9000 + (i % 7) * 1000, 'USD', 'card', 'stripe', 'pi_bench_' || o.n || '_' || i,
            ${starts} + interval '3 days', ${starts} + interval '3 days'
     FROM ${src} WHERE ${invoiced} AND NOT (${issued})`,
    `INSERT INTO invoice_public_tokens (org_id, invoice_id, token_hash, expires_at, created_at)
     SELECT ${org}, ${invoiceId}, encode(sha256(convert_to('bench-link-' || o.n || '-' || i, 'UTF8')), 'hex'),
            now() + interval '365 days', ${starts}
     FROM ${src} WHERE ${invoiced} AND i % 8 = 4`,
  ];
}

async function migrate(url: string): Promise<void> {
  const runner = await MigrationRunner.open({
    connectionString: url,
    logger: createLogger("warn", "bench"),
    lockTimeoutMs: 5_000,
    lockRetries: 3,
    forceDataLoss: false,
  });
  await runner.up().finally(() => runner.close());
}

const dbUrl = (serverUrl: string, name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

async function templateState(admin: pg.Client): Promise<"missing" | "stale" | "ok"> {
  const r = await admin.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [TEMPLATE_DB],
  );
  if (r.rows.length === 0) return "missing";
  const comment = r.rows[0]?.comment ?? "";
  const m = /^cleanops bench dataset v(\d+) built (.+)$/.exec(comment);
  if (!m || Number(m[1]) !== DATASET_VERSION) return "stale";
  const age = (Date.now() - new Date(m[2] ?? "").getTime()) / 86_400_000;
  return Number.isFinite(age) && age < MAX_AGE_DAYS ? "ok" : "stale";
}

/** Builds the template when missing or stale; returns how long that took (0 when it was reused). */
export async function ensureTemplate(
  serverUrl: string,
  size: DatasetSize = FULL_SIZE,
  log = (s: string) => process.stdout.write(`${s}\n`),
) {
  const admin = new pg.Client({ connectionString: dbUrl(serverUrl, "postgres") });
  await admin.connect();
  try {
    const state = await templateState(admin);
    if (state === "ok") {
      // Migrations added since the build (an index, say) are applied to the template: seconds, not a rebuild.
      const t0 = performance.now();
      await migrate(dbUrl(serverUrl, TEMPLATE_DB));
      log(`dataset: reusing template database ${TEMPLATE_DB} (migrations checked in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      return { builtSeconds: 0 };
    }
    const t0 = performance.now();
    log(`dataset: ${state === "missing" ? "building" : "rebuilding (stale)"} ${TEMPLATE_DB}: ${size.orgs} orgs, ${size.bookings} bookings`);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    const url = dbUrl(serverUrl, TEMPLATE_DB);
    await migrate(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // A throwaway build: losing it on a crash only means building it again.
      await c.query(`SET synchronous_commit = off`);
      await c.query(`CREATE UNLOGGED TABLE bench_orgs (n int PRIMARY KEY, bookings int, clients int, teams int)`);
      const counts = bookingsPerOrg(size);
      await c.query(
        `INSERT INTO bench_orgs SELECT n, b, greatest(5, b / 8), greatest(2, least(60, b / 2000))
         FROM unnest($1::int[]) WITH ORDINALITY AS t(b, n)`,
        [counts],
      );
      const steps = statements(DATASET_VERSION);
      const total = steps.reduce((a, s) => a + s.weight, 0);
      const bar = new cliProgress.SingleBar(
        { format: "  {bar} {percentage}% | {step} | {duration}s", hideCursor: true, noTTYOutput: true, notTTYSchedule: 5_000 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { step: "" });
      let done = 0;
      for (const step of steps) {
        bar.update(done, { step: step.name });
        for (const sql of step.sql) await c.query(sql);
        done += step.weight;
        bar.update(done, { step: step.name });
      }
      bar.stop();
      await c.query(`DROP TABLE bench_orgs`);
    } finally {
      await c.end();
    }
    // Analyze ran inside; the comment marks the template complete (a crash before it leaves a "stale" one).
    const builtSeconds = (performance.now() - t0) / 1000;
    log(`dataset: built in ${builtSeconds.toFixed(0)} s`);
    return { builtSeconds };
  } finally {
    await admin.end();
  }
}

/** A fresh copy of the template for one run (file copy: seconds, not a rebuild). */
export async function cloneTemplate(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: dbUrl(serverUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  return dbUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: dbUrl(serverUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

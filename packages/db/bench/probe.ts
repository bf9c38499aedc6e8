import pg from "pg";

export type ProbeReport = { table: string; ops: number; errors: number; maxMs: number; p99Ms: number; worstAt: number };

const BUSY_TABLES = ["bookings", "invoices", "invoice_items", "client_users", "workers", "checklist_run_items"] as const;

/**
 * What the application does while the migration runs: point reads and updates of random existing rows of the
 * busiest tables, one connection per table, recording how long each operation waited.
 */
export class WorkloadProbe {
  readonly #url: string;
  readonly #reports = new Map<string, { latencies: number[]; errors: number; maxMs: number; worstAt: number }>();
  #running = false;
  #loops: Promise<void>[] = [];
  #t0 = 0;

  constructor(url: string) {
    this.#url = url;
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#t0 = performance.now();
    for (const table of BUSY_TABLES) {
      const client = new pg.Client({ connectionString: this.#url, application_name: "bench-probe" });
      await client.connect();
      const ids = (await client.query<{ id: string }>(`SELECT id FROM ${table} TABLESAMPLE SYSTEM (5) LIMIT 5000`)).rows.map((r) => r.id);
      if (ids.length === 0) ids.push(...(await client.query<{ id: string }>(`SELECT id FROM ${table} LIMIT 100`)).rows.map((r) => r.id));
      const state = { latencies: [] as number[], errors: 0, maxMs: 0, worstAt: 0 };
      this.#reports.set(table, state);
      const write = table === "bookings" || table === "invoices" || table === "client_users" || table === "workers";
      this.#loops.push(this.#loop(client, table, ids, write, state));
    }
  }

  async #loop(
    client: pg.Client,
    table: string,
    ids: string[],
    canWrite: boolean,
    state: { latencies: number[]; errors: number; maxMs: number; worstAt: number },
  ): Promise<void> {
    let i = 0;
    try {
      while (this.#running) {
        const id = ids[i++ % ids.length];
        const sql =
          canWrite && i % 2 === 0 ? `UPDATE ${table} SET updated_at = now() WHERE id = $1` : `SELECT * FROM ${table} WHERE id = $1`;
        const started = performance.now();
        try {
          await client.query(sql, [id]);
        } catch {
          state.errors++;
        }
        const ms = performance.now() - started;
        state.latencies.push(ms);
        if (ms > state.maxMs) {
          state.maxMs = ms;
          state.worstAt = (started - this.#t0) / 1000;
        }
        // A steady trickle, not a flood: the point is to feel locks, not to compete for the two cores.
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<ProbeReport[]> {
    this.#running = false;
    await Promise.all(this.#loops);
    return [...this.#reports.entries()].map(([table, s]) => {
      const sorted = [...s.latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
      return { table, ops: s.latencies.length, errors: s.errors, maxMs: s.maxMs, p99Ms: p99, worstAt: s.worstAt };
    });
  }
}

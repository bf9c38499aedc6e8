import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { cloneTemplate } from "./dataset.ts";
import { loadTargets, type ReqFactory } from "./targets.ts";

/**
 * Prints the SQL each scenario's request sends (one request each, after one warm-up), as pg receives it: what the
 * raw-pg baseline mirrors. `node capture-sql.ts <server url of the dataset>` (a superuser; RLS is not the point here).
 */
const server = process.argv[2] ?? "postgres://postgres@127.0.0.1:5432/postgres";
const url = await cloneTemplate(server, "bench_capture");
const secrets = { jwt: "capture-secret-0123456789abcdefghijklmnop", webhook: "whsec_capture_0123456789abcdef" };
const targets = await loadTargets(url, secrets);
const seen: string[] = [];
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const original = proto.query;
let on = false;
proto.query = function (this: pg.Client, ...args: unknown[]) {
  if (on) {
    const a = args[0];
    seen.push(typeof a === "string" ? a : typeof a === "object" && a && "text" in a ? String(a.text) : "?");
  }
  return original.apply(this, args);
};
const { buildServer } = await import("./serve.ts");
const env = { databaseUrl: url, jwtSecret: secrets.jwt, webhookSecret: secrets.webhook, logLevel: "warn", port: 0 };
const plan: [string, "admin" | "worker" | "public" | "raw", ReqFactory][] = [
  ["admin.get_booking", "admin", targets.getBooking],
  ["admin.list_bookings", "admin", targets.listBookings],
  ["admin.create_booking", "admin", targets.createBooking],
  ["worker.jobs_today", "worker", targets.jobsToday],
  ["public.invoice_json", "public", targets.invoiceJson],
  ["public.webhook", "public", targets.webhook],
];
const kinds = process.argv.includes("--raw") ? (["raw"] as const) : undefined;
for (const [name, appKind, make] of plan) {
  const kind = kinds ? kinds[0] : appKind;
  const built = await buildServer(kind, env);
  const s = http.createServer(built.handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  const send = async () => {
    const r = make();
    const res = await fetch(`http://127.0.0.1:${port}${r.path}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body ? { body: r.body } : {}),
    });
    return { status: res.status, body: (await res.text()).slice(0, 200) };
  };
  await send();
  seen.length = 0;
  on = true;
  const res = await send();
  on = false;
  process.stdout.write(`\n== ${name} (${kind}) → ${res.status} ${res.body.slice(0, 120)}\n`);
  for (const q of seen) process.stdout.write(`  ${q.replace(/\s+/g, " ")}\n`);
  s.close();
  s.closeAllConnections();
  await built.close();
}
process.exit(0);

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, superuserPasswordFile } from "../src/postgres/embedded.ts";

// Not mkdtemp: its 0700 folder would keep out the `postgres` user the cluster runs as when tests run as root.
const root = path.join(os.tmpdir(), `cleanops-embedded-pw-${randomBytes(4).toString("hex")}`);
mkdirSync(root);
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

const canConnect = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
};

describe("the embedded cluster's superuser", () => {
  it("gets a random password kept beside the data folder (0600), reused on restart; the old constant does not work", async () => {
    const dataDir = path.join(root, "postgres");
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, persistent: true, fast: true, logger: pino({ level: "silent" }) });
    try {
      const file = superuserPasswordFile(dataDir);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, "utf8").trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(password).not.toBe("postgres");
      expect(await canConnect(first.url)).toBe(true);
      expect(await canConnect(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toBe(false);
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedPostgres({ dataDir, port, persistent: true, fast: true, logger: pino({ level: "silent" }) });
    try {
      expect(await canConnect(again.url)).toBe(true);
      expect(again.url).toBe(first.url);
    } finally {
      await again.stop();
    }
  });
});

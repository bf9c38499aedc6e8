import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_ORG_ID } from "@cleanops/db";
import { asAppRole } from "@cleanops/db/testing";
import { spawnServer, waitForListeningUrl } from "@cleanops/http/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

const run = promisify(execFile);
// The operator CLI (a devDependency, so turbo knows this test depends on it), run as its bin.
const CLI = fileURLToPath(new URL("../node_modules/@cleanops/cli/src/main.ts", import.meta.url));

let t: TestApp;

/** The operator CLI itself, as the runbook has it run, against this file's database. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: t.db.url, LOG_LEVEL: "warn" },
  });
  return stdout;
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("bootstrap of an existing install (runbook step 4): CLI-made accounts sign in to admin-api", () => {
  it("user:create + member:add in the Default org, then POST /auth/login", async () => {
    await cli("user:create", "--email", "Olga@YourCompany.com", "--name", "Olga Owner", "--password", "olga-owner-password");
    await cli("member:add", "--org", DEFAULT_ORG_ID, "--email", "olga@yourcompany.com", "--role", "owner");
    const res = await request(t.app)
      .post("/auth/login")
      .send({ email: "olga@yourcompany.com", password: "olga-owner-password" })
      .expect(200);
    expect(res.body).toMatchObject({
      org: { org_id: DEFAULT_ORG_ID, name: "Default" },
      role: "owner",
      user: { email: "olga@yourcompany.com", name: "Olga Owner" },
    });
    const token = (res.body as { access_token: string }).access_token;
    await request(t.app).get("/org/billing").set(bearer(token)).expect(200);
  });

  it("org:create makes an org admin-api can sign in to, with its billing stub and invoice numbering", async () => {
    const out = await cli("org:create", "--name", "Bright Homes", "--slug", "bright-homes-cli");
    const orgId = /org_id: (\S+)/.exec(out)?.[1] ?? "";
    await cli("user:create", "--email", "dan@brighthomes.test", "--password", "dan-dispatch-password");
    await cli("member:add", "--org", "bright-homes-cli", "--email", "dan@brighthomes.test", "--role", "dispatcher");
    const res = await request(t.app)
      .post("/auth/login")
      .send({ email: "dan@brighthomes.test", password: "dan-dispatch-password" })
      .expect(200);
    expect(res.body).toMatchObject({ org: { org_id: orgId, slug: "bright-homes-cli" }, role: "dispatcher" });
  });

  it("the server process, connected as cleanops_app with a configured key ring, signs the owner in", async () => {
    const proc = spawnServer(fileURLToPath(new URL("../src/server.ts", import.meta.url)), {
      DATABASE_URL: asAppRole(t.db.url),
      PORT: "0",
      NODE_ENV: "production",
      JWT_SECRET: "a-production-like-secret-0123456789abcdef",
      JWT_KID: "2026-01",
    });
    try {
      const url = await waitForListeningUrl(proc);
      const login = await request(url)
        .post("/auth/login")
        .send({ email: "olga@yourcompany.com", password: "olga-owner-password" })
        .expect(200);
      const token = (login.body as { access_token: string }).access_token;
      const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as { kid: string };
      expect(header.kid).toBe("2026-01");
      expect((await request(url).get("/me").set(bearer(token)).expect(200)).body).toMatchObject({ org_id: DEFAULT_ORG_ID, role: "owner" });
      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      expect(proc.stderr()).toBe("");
      expect(proc.stdout()).not.toContain("olga-owner-password");
      expect(proc.stdout()).not.toContain(token);
    } finally {
      proc.child.kill("SIGKILL");
    }
  });
});

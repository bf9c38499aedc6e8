import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { chromiumAvailable, launchChromium } from "@cleanops/http/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Member } from "../../admin-api/test/support/factories.ts";
import { startTestApp, type TestApp } from "../../admin-api/test/support/test-app.ts";
import { createWebServer } from "../server/web-server.ts";

// Debian's chromium (`apt-get install -y chromium`); playwright never downloads a browser here.
const hasChromium = chromiumAvailable("admin-web browser test");

const APP_DIR = new URL("../", import.meta.url);
const ARTIFACTS = new URL("../test-artifacts/", import.meta.url);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical findings on the page as it is now (WCAG 2 A/AA rules). */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
    .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(" | ")))`);
}

/** Screenshot (kept as an artifact) and accessibility check of one main screen. */
async function checkScreen(page: Page, name: string, problems: Record<string, string[]>): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
  const found = await axeProblems(page);
  if (found.length) problems[name] = found;
}

/** A local `datetime-local` value for tomorrow at `hour`:00. */
function tomorrowAt(hour: number): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(hour)}:00`;
}

describe("admin-web in a browser, on admin-api", () => {
  let t: TestApp;
  let api: Server | undefined;
  let web: Server | undefined;
  let base = "";
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!hasChromium) return;
    t = await startTestApp();
    const apiServer = t.app.listen(0, "127.0.0.1");
    api = apiServer;
    await new Promise((r) => apiServer.once("listening", r));
    const dist = new URL("dist/", ARTIFACTS).pathname;
    // The production build, as `pnpm start` serves it, in its own process: vitest's NODE_ENV=test would select
    // React's development JSX runtime.
    const vite = new URL("node_modules/vite/bin/vite.js", APP_DIR).pathname;
    const built = spawnSync(process.execPath, [vite, "build", "--outDir", dist, "--emptyOutDir", "--logLevel", "warn"], {
      cwd: APP_DIR.pathname,
      env: { ...process.env, NODE_ENV: "production" },
      encoding: "utf8",
    });
    if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);
    web = createWebServer({ distDir: dist, adminApiUrl: `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}` });
    const listening = web.listen(0, "127.0.0.1");
    await new Promise((r) => listening.once("listening", r));
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    if (!hasChromium) return;
    await browser?.close();
    web?.close();
    api?.close();
    await t?.close();
  });

  /** A fresh browser (no cookie) signed in as `m`; every request it makes is recorded. */
  async function signIn(m: Member): Promise<{ context: BrowserContext; page: Page; requests: string[]; consoleErrors: string[] }> {
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
    // Generous waits: the suite shares two cores with every other package's tests; nothing here is timed.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    await page.goto(`${base}/`);
    await page.getByLabel("Email").fill(m.user.email);
    await page.getByLabel("Password").fill(m.user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("current-org").waitFor();
    return { context, page, requests, consoleErrors };
  }

  it.skipIf(!hasChromium)(
    "an owner creates a client and a booking, dispatches it (sees a conflict's reason), invoices it and records the payment; a dispatcher sees no payment actions; another org's owner sees none of it",
    async () => {
      const owner = await t.make.member("owner");
      const dispatcher = await t.make.member("dispatcher", { org: owner.org });
      const stranger = await t.make.member("owner");
      for (const name of ["Alpha crew", "Bravo crew"])
        await t.owner.query(`INSERT INTO teams (org_id, name) VALUES ($1, $2)`, [owner.org.orgId, name]);
      const problems: Record<string, string[]> = {};

      const o = await signIn(owner);
      const page = o.page;
      await page.getByRole("heading", { name: /^Today/ }).waitFor();
      await checkScreen(page, "01-today", problems);

      // A new client.
      await page.getByRole("link", { name: "Clients" }).click();
      await page.getByRole("link", { name: "New client" }).click();
      await page.getByLabel("Name").fill("Mrs Dupont");
      await page.getByLabel("Email").fill("dupont@example.test");
      await page.getByLabel("Address").fill("12 rue des Lilas, Paris");
      await page.getByRole("button", { name: "Create client" }).click();
      await page.getByRole("heading", { name: "Mrs Dupont" }).waitFor();
      await checkScreen(page, "02-client", problems);

      // Two bookings for tomorrow, 10:00 and 10:30 (they overlap).
      const book = async (hour: string) => {
        await page.getByRole("link", { name: "New booking" }).click();
        await page.getByRole("heading", { name: "New booking" }).waitFor();
        await page.locator("#client option", { hasText: "Mrs Dupont" }).waitFor({ state: "attached" });
        await page.getByLabel("Client", { exact: true }).selectOption({ label: "Mrs Dupont <dupont@example.test>" });
        await page.getByLabel("Starts at").fill(hour);
        await page.getByLabel("Duration (minutes)").fill("120");
        await page.getByLabel("Price").fill("80");
        await page.getByRole("button", { name: "Create booking" }).click();
        await page.getByRole("heading", { name: "Booking for Mrs Dupont" }).waitFor();
        return page.url();
      };
      await page.goto(`${base}/bookings`);
      const first = await book(tomorrowAt(10));
      await page.getByLabel("Team").selectOption({ label: "Alpha crew" });
      await page.getByRole("button", { name: "Assign" }).click();
      await expect.poll(() => page.getByTestId("booking-team").textContent(), { timeout: 60_000 }).toBe("Alpha crew");
      await checkScreen(page, "03-booking", problems);

      await page.goto(`${base}/bookings`);
      await book(tomorrowAt(11));
      await page.getByLabel("Team").selectOption({ label: "Alpha crew" });
      await page.getByRole("button", { name: "Assign" }).click();
      const refusal = page.getByRole("alert");
      await refusal.waitFor();
      // admin-api's 409 names why: the team is busy with the first booking then.
      expect(await refusal.textContent()).toMatch(/booking_conflict/);
      expect((await refusal.textContent())?.length ?? 0).toBeGreaterThan("(booking_conflict)".length + 10);
      await page.screenshot({ path: new URL("04-conflict.png", ARTIFACTS).pathname, fullPage: true });
      await page.getByLabel("Team").selectOption({ label: "Bravo crew" });
      await page.getByRole("button", { name: "Assign" }).click();
      await expect.poll(() => page.getByTestId("booking-team").textContent(), { timeout: 60_000 }).toBe("Bravo crew");

      // The dispatch board of tomorrow: both jobs in their team's column.
      await page.getByRole("link", { name: "Dispatch" }).click();
      await page.getByRole("button", { name: "Next day" }).click();
      await page.locator('section[data-team="Alpha crew"] article').first().waitFor();
      expect(await page.locator('section[data-team="Bravo crew"] article').count()).toBe(1);
      await checkScreen(page, "05-dispatch", problems);
      await page.getByRole("button", { name: "Week" }).click();
      const alphaRow = page.locator("table.week tr", { has: page.getByRole("rowheader", { name: "Alpha crew" }) });
      await alphaRow.getByRole("link", { name: /Mrs Dupont/ }).waitFor();
      await checkScreen(page, "05b-dispatch-week", problems);

      // Invoice the first booking: draft → issue → record the whole balance → paid.
      await page.goto(first);
      await page.getByRole("button", { name: "Create invoice" }).click();
      await page.getByRole("heading", { name: "Invoice (draft)" }).waitFor();
      await checkScreen(page, "06-invoice-draft", problems);
      await page.getByRole("button", { name: "Issue invoice" }).click();
      await page.getByRole("button", { name: "Record payment" }).waitFor();
      const invoiceUrl = page.url();
      expect(await page.getByTestId("invoice-status").textContent()).toBe("issued");
      await page.getByRole("button", { name: "Create link" }).click();
      const link = page.getByLabel("New link");
      await link.waitFor();
      expect(await link.inputValue()).toMatch(/\/i\/[A-Za-z0-9_-]{20,}/);
      await page.getByRole("button", { name: "Done" }).click();
      expect(await page.getByLabel("New link").count()).toBe(0);
      await page.getByRole("button", { name: "Record payment" }).click();
      await expect.poll(() => page.getByTestId("invoice-status").textContent(), { timeout: 60_000 }).toBe("paid");
      expect(await page.getByTestId("invoice-balance").textContent()).toMatch(/€0\.00/);
      await checkScreen(page, "07-invoice-paid", problems);
      for (const [name, path] of [
        ["08-bookings", "/bookings"],
        ["09-invoices", "/invoices"],
        ["10-clients", "/clients"],
        ["11-teams", "/teams"],
        ["12-members", "/members"],
        ["13-audit", "/audit"],
        ["14-settings", "/settings"],
        ["15-subscriptions", "/subscriptions"],
        ["16-leads", "/leads"],
      ] as const) {
        await page.goto(`${base}${path}`);
        await page.locator("main h1").waitFor();
        await page.waitForLoadState("networkidle");
        await checkScreen(page, name, problems);
      }
      expect(o.requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
      expect(o.consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);

      // The database agrees: paid, and the money recorded once.
      const invoiceId = new URL(invoiceUrl).pathname.split("/").pop() ?? "";
      const row = await t.owner.query<{ status: string; org_id: string }>(`SELECT status, org_id FROM invoices WHERE id = $1`, [invoiceId]);
      expect(row.rows[0]).toEqual({ status: "paid", org_id: owner.org.orgId });

      // A dispatcher of the same org: the invoice, but no money actions and no members or audit screens.
      const d = await signIn(dispatcher);
      await d.page.goto(invoiceUrl);
      await d.page.getByTestId("invoice-status").waitFor();
      await d.page.waitForLoadState("networkidle");
      expect(await d.page.getByRole("button", { name: "Record payment" }).count()).toBe(0);
      expect(await d.page.getByRole("button", { name: "Create link" }).count()).toBe(0);
      expect(await d.page.getByRole("heading", { name: "Payments" }).count()).toBe(0);
      expect(await d.page.getByRole("link", { name: "Members" }).count()).toBe(0);
      expect(await d.page.getByRole("link", { name: "Audit log" }).count()).toBe(0);
      await d.context.close();

      // Another org's owner: not the invoice (404 like a missing one), not the client, not the bookings.
      const s = await signIn(stranger);
      await s.page.goto(invoiceUrl);
      await s.page.getByRole("alert").waitFor();
      expect(await s.page.getByRole("alert").textContent()).toMatch(/not_found/);
      await s.page.goto(`${base}/clients`);
      await s.page.waitForLoadState("networkidle");
      expect(await s.page.getByText("Mrs Dupont").count()).toBe(0);
      await s.page.goto(`${base}/bookings`);
      await s.page.waitForLoadState("networkidle");
      expect(await s.page.locator("tbody tr").count()).toBe(0);
      await s.context.close();

      // Signing out ends the cookie session: a reload shows the sign-in form again.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await page.reload();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      await o.context.close();

      expect(problems).toEqual({});
    },
    600_000,
  );
});

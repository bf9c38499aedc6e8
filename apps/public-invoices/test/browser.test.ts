import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromiumAvailable, launchChromium } from "@cleanops/http/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedInvoice, startTestApp, type TestApp } from "./support/test-app.ts";

// Debian's chromium, never a downloaded browser. Where it is missing the test is skipped, and says so.
const HAS_CHROMIUM = chromiumAvailable("public-invoices browser test");
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  t = await startTestApp();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  if (!HAS_CHROMIUM) return;
  await browser.close();
  await t.close();
});

describe.skipIf(!HAS_CHROMIUM)("a customer in a browser", () => {
  it("opens the link, reads the English invoice, pays with a test card through the local provider, sees it paid", async () => {
    const inv = await seedInvoice(t.owner, { orgName: "Sparkle & Co", number: "INV-000123" });
    const page = await browser.newPage({ locale: "de-DE" });
    await page.goto(`${t.baseUrl}/i/${inv.token}`);
    expect(await page.locator("h1").textContent()).toBe("Invoice INV-000123");
    expect(await page.locator("#status").textContent()).toBe("Due");
    expect(await page.locator("#balance").textContent()).toBe("€170.00");
    await page.click("#pay");
    await page.waitForURL(/\/checkout\/local\//);
    await page.fill("#card_number", "4000 0000 0000 0002");
    await page.click("#submit");
    expect(await page.locator("#message").textContent()).toBe("Your card was declined.");
    await page.fill("#card_number", "4242 4242 4242 4242");
    await page.click("#submit");
    await page.waitForURL(/\/i\/[^/]+\?paid=1$/);
    expect(await page.locator("#status").textContent()).toBe("Paid");
    expect(await page.locator("#balance").textContent()).toBe("€0.00");
    expect(await page.locator("#pay").count()).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}invoice-paid.png`, fullPage: true });
    await page.close();
  }, 60_000);
});

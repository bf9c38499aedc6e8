import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromiumAvailable, launchChromium } from "@cleanops/http/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGES, PASSWORD, startTestApp, type TestApp } from "./support/test-app.ts";

// Debian's chromium (`apt-get install -y chromium`); playwright never downloads a browser here.
const hasChromium = chromiumAvailable("worker-portal browser test");

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url);

describe("worker-portal in a phone-sized browser", () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!hasChromium) return;
    t = await startTestApp();
    server = t.app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    if (!hasChromium) return;
    await browser?.close();
    server.close();
    await t.close();
  });

  it.skipIf(!hasChromium)(
    "signs in on a 360-px screen, opens a job, ticks an item, uploads a photo and completes the job",
    async () => {
      const org = await t.make.org();
      const team = await t.make.team(org, { timezone: "Europe/Paris" });
      const w = await t.make.worker(org, team.id, { name: "Ana" });
      const job = await t.make.booking(org, {
        teamId: team.id,
        startsAt: new Date(Date.now() + 2 * 3_600_000),
        clientName: "Mrs Dupont <b>",
        notes: "Key with the concierge",
      });
      await t.make.checklist(org, job.id, [{ label: "Kitchen" }, { label: "Balcony", required: false }]);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      const context = await (browser as Browser).newContext({
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
      });
      const page = await context.newPage();
      const cspViolations: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") cspViolations.push(m.text());
      });

      await page.goto(`${base}/login`);
      await page.fill("#org", org.slug);
      await page.fill("#email", w.email);
      await page.fill("#password", PASSWORD);
      await page.click("button[type=submit]");
      await page.waitForURL(`${base}/`);
      // (Page code is passed as strings: this package has no DOM types.) Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);

      await page.click(`a[href="/jobs/${job.id}/view"]`);
      await page.waitForURL(`${base}/jobs/${job.id}/view`);
      expect(await page.textContent("h1")).toBe("Mrs Dupont <b>");
      await page.click("text=Start job");
      await page.waitForSelector("text=Finish job");

      await page.fill("input[name=note] >> nth=0", "Oven done too");
      await page.click('button[data-item="Kitchen"]');
      await page.waitForSelector("text=✓ Kitchen");

      await page.setInputFiles("#photo", { name: "kitchen.png", mimeType: "image/png", buffer: IMAGES.png });
      await page.click("text=Upload photo");
      await page.waitForSelector("img.photo");
      expect(await page.evaluate<number>('document.querySelector("img.photo").naturalWidth')).toBe(1);

      await page.click("text=Finish job");
      await page.waitForSelector("#job-status:has-text('completed')");
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL("worker-portal-job-360px.png", ARTIFACTS).pathname, fullPage: true });
      expect((await t.owner.query(`SELECT status FROM bookings WHERE id = $1`, [job.id])).rows[0].status).toBe("completed");
      expect(cspViolations).toEqual([]);
      await context.close();
    },
    120_000,
  );
});

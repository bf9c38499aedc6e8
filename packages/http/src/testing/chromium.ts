import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium (`apt-get install -y chromium`): the browser tests never download one. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Whether the browser tests can run here; when not, says so once on the console (the only skip the suites allow, so
 * it must be visible).
 */
export function chromiumAvailable(suite: string): boolean {
  const available = existsSync(CHROMIUM_PATH);
  if (!available) console.warn(`SKIPPED ${suite}: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  return available;
}

/**
 * Headless chromium with this workplace's flags: no sandbox (tests run as root), and no background networking, whose
 * connections a closed network refuses by the dozen.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

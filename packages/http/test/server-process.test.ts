import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnServer, waitForListeningUrl } from "../src/testing/index.ts";

const splitLine = fileURLToPath(new URL("./fixtures/split-listening-line.ts", import.meta.url));

describe("waitForListeningUrl", () => {
  it("reads only complete lines: a listening line split across chunks is waited for, not parsed half-way", async () => {
    const proc = spawnServer(splitLine, { PATH: process.env.PATH ?? "" });
    try {
      await once(proc.child.stdout ?? proc.child, "data");
      expect(proc.stdout()).toBe(`{"level":30,"msg":"listen`);
      const url = waitForListeningUrl(proc);
      proc.child.kill("SIGUSR2");
      expect(await url).toBe("http://127.0.0.1:4321");
    } finally {
      proc.child.kill("SIGTERM");
      await proc.exited;
    }
  });

  it("fails at once, with the output, when the server exits without listening", async () => {
    const proc = spawnServer(fileURLToPath(new URL("./fixtures/missing-entry.ts", import.meta.url)), { PATH: process.env.PATH ?? "" });
    await expect(waitForListeningUrl(proc)).rejects.toThrow(/exited \(1\) before logging a listening url/);
  });
});

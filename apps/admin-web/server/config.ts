import { z } from "zod";

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  ADMIN_API_URL: z.url().default("http://127.0.0.1:3001"),
  /** The built app (vite build's outDir). */
  ADMIN_WEB_DIST: z.string().min(1).optional(),
});

export type WebConfig = { port: number; host: string; adminApiUrl: string; distDir: string };

export function loadConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  const parsed = Env.parse(env);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    adminApiUrl: parsed.ADMIN_API_URL,
    distDir: parsed.ADMIN_WEB_DIST ?? new URL("../dist/", import.meta.url).pathname,
  };
}

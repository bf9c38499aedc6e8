import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { ADMIN_API_PREFIX } from "./server/proxy-path.ts";

/** Where `pnpm dev` sends /api: admin-api of `pnpm start` (or ADMIN_API_URL). */
const apiTarget = process.env.ADMIN_API_URL ?? "http://127.0.0.1:3001";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // The budget check reads the manifest to find the JavaScript loaded on first paint.
    manifest: true,
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      [ADMIN_API_PREFIX]: {
        target: apiTarget,
        rewrite: (path) => path.slice(ADMIN_API_PREFIX.length) || "/",
        headers: { "X-Forwarded-Prefix": ADMIN_API_PREFIX },
      },
    },
  },
});

/**
 * The Node.js flags every server process of ours runs with (import `@cleanops/http/node-flags`: no Express at start-up):
 * the apps' `start` scripts (package.json, checked by a test), `pnpm start`'s stack and `pnpm bench`'s servers.
 *
 * `--max-semi-space-size=16` (MB): V8 sizes the young generation from the heap limit, and on a machine with 24 GiB it
 * let the young generation grow to 64 MB, so each minor GC (scavenge) copied 5–8 MB of survivors and stopped the
 * process for 20–30 ms, every 1.5 s at 200 requests a second (pnpm bench, admin.get_booking; `--trace-gc-nvp`). Every
 * request that arrived during such a pause waited for it, which decided the p99. With 16 MB: a scavenge every
 * ~0.4 s, 2–11 ms each; the total GC time is about the same (a fifth more), spread in shorter pauses.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16"];

import { printMigrateBench, runMigrateBench } from "./migrate-bench.ts";

// `pnpm bench`: every benchmark at a size that finishes in a few minutes here; each also runs alone with its own flags.
const rows = 100_000;
printMigrateBench(rows, await runMigrateBench(rows));

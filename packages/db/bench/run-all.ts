import { printMigrateBench, runMigrateBench } from "./migrate-bench.ts";
import { printScopingBench, runScopingBench } from "./scoping-bench.ts";

// `pnpm bench`: every benchmark at a size that finishes in a few minutes here; each also runs alone with its own flags.
printScopingBench(3_000, await runScopingBench(3_000));
const rows = 100_000;
printMigrateBench(rows, await runMigrateBench(rows));

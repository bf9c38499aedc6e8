import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { updateRolesDoc } from "../src/authz/roles-doc.ts";

// Rewrites the generated table of docs/roles.md from the permission matrix: `pnpm exec node scripts/render-roles-doc.ts`.
const file = fileURLToPath(new URL("../../../docs/roles.md", import.meta.url));
const before = readFileSync(file, "utf8");
const after = updateRolesDoc(before);
writeFileSync(file, after);
process.stdout.write(before === after ? "docs/roles.md is up to date\n" : "docs/roles.md updated\n");

import { writeFileSync } from "node:fs";
import { openApiDocument } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";

// docs/openapi/worker-portal.json: the contract as committed, so a change to it shows in review (a test keeps it fresh).
const file = new URL("../../../docs/openapi/worker-portal.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(openApiDocument(RESOURCES), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);

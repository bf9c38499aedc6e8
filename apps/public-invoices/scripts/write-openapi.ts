import { writeFileSync } from "node:fs";
import { openApiDocument } from "../src/openapi.ts";

// docs/openapi/public-invoices.json: the contract as committed (with the local provider, as development runs it), so a
// change to it shows in review (a test keeps it fresh).
const file = new URL("../../../docs/openapi/public-invoices.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(openApiDocument("local"), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);

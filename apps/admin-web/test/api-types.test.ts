import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../scripts/gen-api.ts";

describe("the typed client's types", () => {
  it("src/api/schema.gen.ts is generated from the committed docs/openapi/admin-api.json (run `pnpm --filter @cleanops/admin-web gen:api`)", async () => {
    expect(readFileSync(API_TYPES_FILE, "utf8") === (await generateApiTypes())).toBe(true);
  });
});

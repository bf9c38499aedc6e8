import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const DB = "postgres://u:p@127.0.0.1:5432/cleanops";

describe("public-invoices config", () => {
  it("defaults: port 3003, a generated webhook secret, the local provider, the base URL from the port", () => {
    const c = loadConfig({ DATABASE_URL: DB });
    expect(c.port).toBe(3003);
    expect(c.stripeWebhookSecretGenerated).toBe(true);
    expect(c.stripeWebhookSecret).toMatch(/^whsec_dev_[0-9a-f]{48}$/);
    expect(c.stripeSecretKey).toBeNull();
    expect(c.publicBaseUrl).toBe("http://127.0.0.1:3003");
  });

  it("takes the Stripe settings and the public URL as given", () => {
    const c = loadConfig({
      DATABASE_URL: DB,
      STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef",
      STRIPE_SECRET_KEY: "sk_test_123",
      PUBLIC_BASE_URL: "https://pay.example.test/",
    });
    expect(c).toMatchObject({
      stripeWebhookSecret: "whsec_0123456789abcdef",
      stripeWebhookSecretGenerated: false,
      stripeSecretKey: "sk_test_123",
    });
    expect(c.publicBaseUrl).toBe("https://pay.example.test");
  });

  it("requires both Stripe secrets in production, naming the variable", () => {
    expect(() => loadConfig({ DATABASE_URL: DB, NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_live_1" })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ DATABASE_URL: DB, NODE_ENV: "production", STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef" })).toThrow(
      /STRIPE_SECRET_KEY/,
    );
    expect(() => loadConfig({ DATABASE_URL: DB, STRIPE_SECRET_KEY: "pk_test_1" })).toThrow(/STRIPE_SECRET_KEY must start with sk_/);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, loadServiceConfig } from "../src/index.ts";

const load = (env: Record<string, string | undefined>) => loadServiceConfig(env, { defaultPort: 3009 });
const DATABASE_URL = "postgres://cleanops:pw@127.0.0.1:5432/cleanops";

describe("service config", () => {
  it("applies defaults for everything but the database", () => {
    expect(load({ DATABASE_URL })).toEqual({
      databaseUrl: DATABASE_URL,
      host: "127.0.0.1",
      port: 3009,
      logLevel: "info",
      nodeEnv: "development",
    });
  });

  it("reads every variable", () => {
    expect(load({ DATABASE_URL, PORT: "8080", HOST: "0.0.0.0", LOG_LEVEL: "debug", NODE_ENV: "production" })).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      logLevel: "debug",
      nodeEnv: "production",
    });
  });

  it("treats empty values as unset", () => {
    expect(load({ DATABASE_URL, PORT: "", HOST: "", LOG_LEVEL: "" })).toMatchObject({
      port: 3009,
      host: "127.0.0.1",
      logLevel: "info",
    });
  });

  it.each([
    [{}, "DATABASE_URL is required"],
    [{ DATABASE_URL: "" }, "DATABASE_URL is required"],
    [{ DATABASE_URL: "mysql://x@y/z" }, "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ DATABASE_URL, PORT: "eighty" }, "PORT must be a port number"],
    [{ DATABASE_URL, PORT: "70000" }, "PORT must be between 0 and 65535"],
    [{ DATABASE_URL, LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent"],
    [{ DATABASE_URL, NODE_ENV: "staging" }, "NODE_ENV must be one of development, test, production"],
  ])("rejects %j with one clear line", (env, problem) => {
    expect(() => load(env)).toThrow(new ConfigError(`Invalid configuration: ${problem}`));
    try {
      load(env);
    } catch (err) {
      expect((err as Error).message).not.toContain("\n");
    }
  });
});

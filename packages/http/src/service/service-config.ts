import { z } from "zod";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const NODE_ENVS = ["development", "test", "production"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
export type NodeEnv = (typeof NODE_ENVS)[number];

/** What every HTTP service reads from its environment. */
export type ServiceConfig = {
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
};

/** `FOO=` in an env file means "not set", not "the empty string". */
const unsetIfEmpty = (v: unknown): unknown => (v === "" ? undefined : v);

/**
 * The zod schema behind `loadServiceConfig`; apps that need more variables `.extend()` it and call `parseEnv`.
 * DATABASE_URL has no default on purpose: a service never guesses which database to write to.
 */
export function serviceEnvSchema(options: { defaultPort: number }) {
  return z.object({
    DATABASE_URL: z.preprocess(
      unsetIfEmpty,
      z.url({
        protocol: /^postgres(ql)?$/,
        error: (iss) => (iss.input === undefined ? "is required" : "must be a postgres:// or postgresql:// URL"),
      }),
    ),
    PORT: z.preprocess(
      unsetIfEmpty,
      z.coerce
        .number({ error: "must be a port number" })
        .int({ error: "must be a port number" })
        .min(0, { error: "must be between 0 and 65535" })
        .max(65535, { error: "must be between 0 and 65535" })
        .default(options.defaultPort),
    ),
    HOST: z.preprocess(unsetIfEmpty, z.string().trim().min(1).default("127.0.0.1")),
    LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info")),
    NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(NODE_ENVS, { error: `must be one of ${NODE_ENVS.join(", ")}` }).default("development")),
  });
}

/** Thrown for a bad environment; its message is the one line an operator needs. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment or throws a ConfigError naming the first offending variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.map(String).join(".") || "environment";
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

export function loadServiceConfig(env: Readonly<Record<string, string | undefined>>, options: { defaultPort: number }): ServiceConfig {
  const e = parseEnv(serviceEnvSchema(options), env);
  return { databaseUrl: e.DATABASE_URL, host: e.HOST, port: e.PORT, logLevel: e.LOG_LEVEL, nodeEnv: e.NODE_ENV };
}

import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

export type RunningServer = {
  server: Server;
  /** e.g. `http://127.0.0.1:3001`, with the port actually bound (useful with PORT=0). */
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish, and after `graceMs` cuts the connections that
   * are still open. Resolves when the server is closed.
   */
  stop(graceMs?: number): Promise<void>;
};

export type ListenOptions = { host: string; port: number };

function urlOf(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Listens; rejects on EADDRINUSE and the like instead of crashing on an unhandled 'error' event. */
export async function startServer(app: RequestListener, options: ListenOptions): Promise<RunningServer> {
  const server = createServer(app);
  server.listen(options.port, options.host);
  await once(server, "listening");
  const address = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= new Promise<void>((resolve, reject) => {
      // close() stops accepting and (Node >= 19) closes idle keep-alive sockets; busy ones finish their request.
      server.close((err) => (err ? reject(err) : resolve()));
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.once("close", () => clearTimeout(force));
    });
    return stopping;
  };

  return { server, url: urlOf(address), stop };
}

export type ShutdownOptions = {
  logger: Logger;
  /** Run in order on SIGINT/SIGTERM: typically stop the server first, then close the database pool. */
  steps: readonly (() => Promise<void>)[];
  /** Give up and exit 1 if shutdown takes longer than this. Default 15 s. */
  timeoutMs?: number;
  exit?: (code: number) => void;
};

/** SIGINT/SIGTERM → run the steps, exit 0 (1 if a step failed or timed out). A second signal exits 1 at once. */
export function exitGracefullyOnSignals(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      options.logger.warn({ signal }, "second signal, exiting now");
      exit(1);
      return;
    }
    shuttingDown = true;
    options.logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      options.logger.error({ timeoutMs: options.timeoutMs ?? 15_000 }, "shutdown timed out");
      exit(1);
    }, options.timeoutMs ?? 15_000);
    deadline.unref();
    void (async () => {
      let code = 0;
      for (const step of options.steps) {
        try {
          await step();
        } catch (err) {
          options.logger.error({ err }, "shutdown step failed");
          code = 1;
        }
      }
      clearTimeout(deadline);
      options.logger.info({ code }, "shut down");
      exit(code);
    })();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** Something long-lived the process owns besides the server: a database pool, a queue connection. */
export type ServiceResource = {
  name: string;
  /** Released on shutdown, after the server has stopped taking requests. */
  close(): Promise<void>;
  /**
   * Its background 'error' events get logged. A pg pool emits one when an idle connection drops (database restart);
   * with no listener that would crash the process, while the pool itself recovers on the next query.
   */
  events?: { on(event: "error", listener: (err: Error) => void): unknown };
};

export type ServeOptions = ListenOptions & {
  logger: Logger;
  /** Closed in order on shutdown. */
  resources?: readonly ServiceResource[];
  /** How long in-flight requests get to finish after a signal. Default 10 s. */
  graceMs?: number;
};

/**
 * The process lifecycle of a service: listen and log the URL; on SIGINT/SIGTERM stop accepting, let in-flight
 * requests finish, close the resources and exit 0. If it cannot listen (port taken): log, close, exit 1.
 */
export async function serve(app: RequestListener, options: ServeOptions): Promise<RunningServer> {
  const { logger, resources = [] } = options;
  for (const resource of resources) {
    resource.events?.on("error", (err) => logger.error({ err, resource: resource.name }, "background error"));
  }
  const closeAll = resources.map((resource) => () => resource.close());
  let running: RunningServer;
  try {
    running = await startServer(app, options);
  } catch (err) {
    logger.fatal({ err, host: options.host, port: options.port }, "cannot listen");
    for (const close of closeAll) await close().catch(() => undefined);
    process.exit(1);
  }
  logger.info({ url: running.url }, "listening");
  exitGracefullyOnSignals({
    logger,
    steps: [() => running.stop(options.graceMs), ...closeAll],
    timeoutMs: (options.graceMs ?? 10_000) + 5_000,
  });
  return running;
}

/** Loads configuration or prints its one-line error to stderr and exits 1 (no stack: it is an operator's typo). */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

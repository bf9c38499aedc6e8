import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { getRequestId } from "../request/request-id.ts";
import { loggerFor } from "../request/request-logger.ts";
import { AppError } from "./app-error.ts";
import { normalizeError } from "./normalize-error.ts";

/** Mount after every router: whatever reached it matched no route. */
export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => {
    next(new AppError("not_found", "No route matches this method and path."));
  };
}

export type ErrorHandlerOptions = {
  /** Used when the request has no pino-http logger of its own (`req.log`). */
  logger: Logger;
};

/**
 * The last middleware of every app. Responds `{ error: { code, message, details?, request_id } }` with the status
 * of the code; never a stack trace. Unexpected errors are logged with their stack under the request's id.
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const { status, body, headers, unexpected } = normalizeError(err);
    if (unexpected) {
      if (loggerFor(req)) {
        // pino-http's completion line carries `res.err` with its stack, next to the request, status and timing.
        res.err = err instanceof Error ? err : new Error(String(err));
      } else {
        options.logger.error({ err, reqId: getRequestId(req) }, "request failed");
      }
    }
    if (res.headersSent) {
      // Too late for a JSON error: let Express abort the connection so the client sees a truncated response.
      next(err);
      return;
    }
    res
      .status(status)
      .set(headers)
      .json({ error: { ...body, request_id: getRequestId(req) } });
  };
}

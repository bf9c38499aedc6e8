export { DEFAULT_ERROR_MESSAGE, ERROR_STATUS, isErrorCode, statusForCode, type ErrorCode } from "./errors/error-codes.ts";
export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  internalError,
  isAppError,
  notFound,
  rateLimited,
  serviceUnavailable,
  unauthorized,
  validationFailed,
  type AppErrorOptions,
  type ErrorDetails,
} from "./errors/app-error.ts";
export { normalizeError, zodIssues, type ErrorBody, type FieldIssue, type NormalizedError } from "./errors/normalize-error.ts";
export { errorHandler, notFoundHandler, type ErrorHandlerOptions } from "./errors/error-handler.ts";
export {
  CLIENT_REQUEST_ID_HEADER,
  getRequestId,
  isSaneRequestId,
  REQUEST_ID_HEADER,
  requestId,
  type RequestIdOptions,
} from "./request/request-id.ts";
export { loggerFor, requestLogger, type RequestLoggerOptions } from "./request/request-logger.ts";
export { fairShare, type FairShareOptions, type FairShareStats } from "./request/fair-share.ts";
export { createHealthRouter, HEALTH_PATHS, type HealthRouterOptions, type Readiness, type ReadinessCheck } from "./health/health-router.ts";
export { createServiceApp, type ServiceAppOptions } from "./service/service-app.ts";
export {
  ConfigError,
  loadServiceConfig,
  LOG_LEVELS,
  NODE_ENVS,
  parseEnv,
  serviceEnvSchema,
  type LogLevel,
  type NodeEnv,
  type ServiceConfig,
} from "./service/service-config.ts";
export {
  exitGracefullyOnSignals,
  loadConfigOrExit,
  serve,
  startServer,
  type ListenOptions,
  type RunningServer,
  type ServeOptions,
  type ServiceResource,
  type ShutdownOptions,
} from "./service/server.ts";
export { readBearerToken } from "./request-context/bearer-token.ts";
export { authenticationFailed, type AuthenticationErrorCode } from "./request-context/authentication-error.ts";
export { createOrgAccess, type OrgAccess, type OrgAccessOptions, type OrgContext, type OrgIdentity } from "./request-context/org-access.ts";
export { accessOf, declareAccess, publicRoute, type RouteAccess } from "./request-context/route-access.ts";
export { listRoutes, type RouteEntry } from "./request-context/route-table.ts";
export { defineErrorCodes, MODULE_ERROR_CODES, type ModuleErrorCode, type ModuleErrorDefinition } from "./errors/app-error.ts";
export {
  openApiPath,
  pathParameters,
  routeFactory,
  type AnyRoute,
  type HttpMethod,
  type RouteAccessSpec,
  type RouteDefinition,
  type RouteInput,
} from "./routes/route.ts";
export { MAX_VALIDATION_ISSUES, parseRouteInput, routeRouter, type LocatedIssue, type RouteRouterOptions } from "./routes/route-router.ts";
export { buildOpenApiDocument, ErrorResponse, errorCodeTable, type OpenApiInfo, type RouteDocumentation } from "./routes/openapi.ts";
export { docsRouter } from "./routes/docs-router.ts";
export { RawResponse } from "./routes/raw-response.ts";
export {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageQuery,
  pageSchema,
  toPage,
  type PageCursor,
  type PageQuery,
} from "./routes/pagination.ts";

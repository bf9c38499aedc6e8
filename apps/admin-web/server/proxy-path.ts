/** The browser reaches admin-api under this prefix on admin-web's own origin (no CORS, cookies first-party). */
export const ADMIN_API_PREFIX = "/api";

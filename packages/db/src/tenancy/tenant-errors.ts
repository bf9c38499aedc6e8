export type TenantErrorCode =
  | "tenant_context_missing"
  | "tenant_invalid_org"
  | "tenant_invalid_user"
  | "tenant_mismatch"
  | "tenant_cross_org_reference"
  | "tenant_unloaded_write";

/** A request, job or script tried to touch tenant data in a way that could cross orgs; nothing was written. */
export class TenantError extends Error {
  readonly code: TenantErrorCode;
  constructor(code: TenantErrorCode, message: string) {
    super(message);
    this.name = "TenantError";
    this.code = code;
  }
}

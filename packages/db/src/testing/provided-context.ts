// What the global setup hands to every test file (vitest's provide/inject).
declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgRunId: string;
    pgTemplates: { head: string; legacy: string; empty: string };
  }
}

/** A small JSON client over fetch, as a script would call the apps: real HTTP, nothing in-process. */
export type Reply<T = Record<string, unknown>> = { status: number; body: T; text: string; headers: Headers };

export async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(url, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** The call must answer `status`; otherwise the error names the call and shows the answer. */
export async function expectStatus<T = Record<string, unknown>>(
  status: number,
  method: string,
  url: string,
  options: Parameters<typeof call>[2] = {},
): Promise<T> {
  const r = await call<T>(method, url, options);
  if (r.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${r.status} ${r.text.slice(0, 500)}`);
  return r.body;
}

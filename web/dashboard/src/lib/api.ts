// Talking to the server: JSON in and out, the session cookie sent by the browser, and the
// CSRF token in X-CSRF-Token on every request that is not GET (the server refuses such a
// request without it). Errors become ApiError with the server's code, message and, for a
// 422, the field it names ("allowedDomains[0]: …"), so forms can show it beside the field.

let csrfToken = '';
let sessionLost: () => void = () => undefined;

export const setCsrfToken = (token: string) => void (csrfToken = token);
/** Called when a request answers 401 (the session expired or was ended elsewhere). */
export const onSessionLost = (f: () => void) => void (sessionLost = f);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field a 422 is about (`allowedDomains[0]`), if it names one. */
    readonly field?: string,
    /** The message without the field prefix. */
    readonly detail: string = message,
  ) {
    super(message);
  }
}

/** Splits "allowedDomains[0]: must be …" into its field and message. */
export function splitFieldMessage(message: string): { field?: string; detail: string } {
  const m = /^([A-Za-z_][\w.[\]-]*): ([\s\S]*)$/.exec(message);
  return m ? { field: m[1], detail: m[2] } : { detail: message };
}

/** Whether an error's field is `name` or inside it (`allowedDomains[2]` is in `allowedDomains`). */
export const fieldIs = (e: unknown, name: string) =>
  e instanceof ApiError && !!e.field && (e.field === name || e.field.startsWith(name + '.') || e.field.startsWith(name + '['));

/**
 * Which of a form's `fields` a 422 is about: `{ [field]: message }`, or `{ form: error }` for
 * any other error (shown above the form's buttons).
 */
export function fieldErrors<F extends string>(e: unknown, fields: readonly F[]): Partial<Record<F, string>> & { form?: unknown } {
  const f = fields.find((name) => fieldIs(e, name));
  return (f && e instanceof ApiError ? { [f]: e.detail } : { form: e }) as Partial<Record<F, string>> & { form?: unknown };
}

/** A query string of the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  let r: Response;
  try {
    r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
  }
  const text = await r.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!r.ok) {
    const code: string = json?.error?.code ?? `http_${r.status}`;
    const message: string = json?.error?.message ?? (r.status === 413 ? 'The file is too large.' : `The server answered HTTP ${r.status}.`);
    const { field, detail } = r.status === 422 ? splitFieldMessage(message) : { field: undefined, detail: message };
    if (r.status === 401 && !path.startsWith('/v1/auth/')) sessionLost();
    throw new ApiError(r.status, code, message, field, detail);
  }
  return json as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, body);
export const patch = <T>(path: string, body?: unknown) => request<T>('PATCH', path, body);
export const del = <T = void>(path: string) => request<T>('DELETE', path);

/** Uploads one file (`POST /v1/uploads`, multipart part `file`). */
export function upload<T>(file: File, channelId?: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  return request<T>('POST', `/v1/uploads${query({ channelId })}`, form);
}

/** A message for a person from any error. */
export const errorText = (e: unknown) => (e instanceof ApiError ? e.detail : e instanceof Error ? e.message : String(e));

/** A client-made id for a message (resends are not duplicates). Works outside secure contexts too. */
export function clientId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'c_' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

let emailStatus: Promise<import('./types').EmailStatus> | null = null;
/** Whether the server sends email (GET /v1/email), asked once per page load. */
export function getEmailStatus() {
  emailStatus ??= get<import('./types').EmailStatus>('/v1/email').catch((e) => {
    emailStatus = null;
    throw e;
  });
  return emailStatus;
}

// The one place requests are made: the API key, JSON, typed errors, retries and timeouts.
// A request is retried on 429 and 5xx (and on network errors) with exponential backoff and
// jitter, waiting at least what Retry-After asks. A request that could take effect twice is
// retried only when the server certainly did not act on it (429 and 503), unless it carries
// an Idempotency-Key: POST /v1/messages always does, so a retried send is stored once.

import type { ErrorBody } from './protocol/index.js';

export interface RequestOptions {
  /** Milliseconds before this request (each attempt) is aborted; overrides the client's `timeout`. */
  timeout?: number;
  /** Attempts after the first; overrides the client's `maxRetries`. */
  maxRetries?: number;
  /** Aborts the request (and its retries) from outside. */
  signal?: AbortSignal;
  /**
   * `messages.send` only: the Idempotency-Key (1–64 of A–Z a–z 0–9 _ -). A send repeated with
   * the same key is stored once. Default: a random key per call, shared by its retries.
   */
  idempotencyKey?: string;
}

export interface ClientConfig {
  apiKey: string;
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch;
}

/** Any error the API answered with: `status` is the HTTP status, `code` the API's error code. */
export class LinktorError extends Error {
  override name = 'LinktorError';
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came (network error, timeout). */
    readonly status: number,
    /** The API's error code (`not_found`, `validation_failed`, `rate_limited`…), or `network_error` / `timeout`. */
    readonly code: string,
    /** Seconds the server asked to wait (Retry-After), when it said. */
    readonly retryAfter?: number,
    /** The request that failed, as `METHOD /path`. */
    readonly request?: string,
  ) {
    super(message);
  }
}

/** The API refused the key (401) or the key may not act on that resource (403). */
export class AuthenticationError extends LinktorError {
  override name = 'AuthenticationError';
}
/** 404: no such channel, visitor, conversation… in this account. */
export class NotFoundError extends LinktorError {
  override name = 'NotFoundError';
}
/** 400 / 422: the request does not fit the API (the message says which field). */
export class ValidationError extends LinktorError {
  override name = 'ValidationError';
}
/** 429, after the retries. */
export class RateLimitError extends LinktorError {
  override name = 'RateLimitError';
}
/** No answer in time, or the network failed, after the retries. */
export class ConnectionError extends LinktorError {
  override name = 'ConnectionError';
}

function errorFor(status: number, code: string, message: string, retryAfter: number | undefined, request: string): LinktorError {
  const E =
    status === 401 || status === 403
      ? AuthenticationError
      : status === 404
        ? NotFoundError
        : status === 400 || status === 422
          ? ValidationError
          : status === 429
            ? RateLimitError
            : status === 0
              ? ConnectionError
              : LinktorError;
  return new E(message, status, code, retryAfter, request);
}

/** Seconds in a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** Backoff before retry `attempt` (1-based): 0.5 s, 1 s, 2 s… up to 8 s, ±25 % jitter, never less than Retry-After. */
export function backoff(attempt: number, retryAfter?: number): number {
  const base = Math.min(8000, 500 * 2 ** (attempt - 1));
  const jittered = base * (0.75 + Math.random() * 0.5);
  return Math.max(jittered, (retryAfter ?? 0) * 1000);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A random Idempotency-Key: 22 URL-safe characters. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  // Web Crypto where the runtime has it (Node 19+, browsers, edge runtimes); uniqueness, not secrecy, is what counts.
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63]).join('');
}

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** False when repeating the request could act twice (see the file's comment). */
  idempotent?: boolean;
  /** Sent as Idempotency-Key; makes the call safe to repeat. */
  idempotencyKey?: string;
}

export async function request<T>(config: ClientConfig, call: Call, options: RequestOptions = {}): Promise<T> {
  const url = new URL(config.baseUrl.replace(/\/+$/, '') + call.path);
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const what = `${call.method} ${call.path}`;
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const timeout = options.timeout ?? config.timeout;
  const idempotent = call.idempotencyKey !== undefined || (call.idempotent ?? call.method !== 'POST');
  const headers: Record<string, string> = { Authorization: `Bearer ${config.apiKey}`, Accept: 'application/json' };
  if (call.idempotencyKey !== undefined) headers['Idempotency-Key'] = call.idempotencyKey;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);

  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason;
    let error: LinktorError;
    // One controller per attempt: the timeout and the caller's signal both abort it.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const onAbort = () => controller.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let res: Response;
    let text: string;
    try {
      res = await config.fetch(url, { method: call.method, headers, body, signal: controller.signal });
      text = await res.text();
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      // A timeout or a network error: the server may have acted, so only idempotent calls retry.
      error = controller.signal.aborted
        ? new ConnectionError(`${what} timed out after ${timeout} ms`, 0, 'timeout', undefined, what)
        : new ConnectionError(`${what}: ${(e as Error)?.message ?? e}`, 0, 'network_error', undefined, what);
      if (!idempotent || attempt >= maxRetries) throw error;
      await sleep(backoff(attempt + 1), options.signal);
      continue;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    let code = `http_${res.status}`;
    let message = `${what} → HTTP ${res.status}`;
    try {
      const e = (JSON.parse(text) as ErrorBody).error;
      if (e?.code) code = e.code;
      if (e?.message) message = e.message;
    } catch {
      // Not our JSON (a proxy's error page): the status says enough.
    }
    error = errorFor(res.status, code, message, parseRetryAfter(res.headers.get('retry-after')), what);
    const retryable = res.status === 429 || res.status === 503 || (idempotent && res.status >= 500);
    if (!retryable || attempt >= maxRetries) throw error;
    await sleep(backoff(attempt + 1, error.retryAfter), options.signal);
  }
}

// Checking a webhook delivery: `Linktor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>" with the endpoint's secret>` (crates/linktor-core/src/webhook.rs `sign`).
// Web Crypto only (crypto.subtle), so the same code runs in Node, Deno, Bun, Cloudflare
// Workers and edge runtimes; the HMAC is compared by crypto.subtle.verify, in constant time.

import type { WebhookEvent } from './protocol/index.js';

/** The raw request body exactly as received: a string, or bytes (a Node Buffer is a Uint8Array). */
export type RawBody = string | Uint8Array | ArrayBuffer;

export interface VerifyOptions {
  /** Seconds a signature's timestamp may differ from now (replay protection). Default 300. */
  tolerance?: number;
  /** The current time in Unix seconds (tests). Default: the clock. */
  now?: number;
}

/** A delivery whose signature is missing, malformed, wrong or too old. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/** Web Crypto: global in Node 19+, browsers and edge runtimes; in Node 18 from node:crypto. */
async function subtle(): Promise<SubtleCrypto> {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.subtle) return c.subtle;
  const nodeCrypto = (await import(/* webpackIgnore: true */ 'node:crypto' as string)) as { webcrypto: Crypto };
  return nodeCrypto.webcrypto.subtle;
}

const encoder = new TextEncoder();

function bytes(body: RawBody): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `t` and every `v1` of a signature header; null when it has no usable timestamp. */
function parseHeader(header: string): { t: number; signatures: Uint8Array[] } | null {
  let t: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k === 't' && /^\d+$/.test(v)) t = Number(v);
    else if (k === 'v1') {
      const s = fromHex(v);
      if (s) signatures.push(s);
    }
  }
  return t === undefined ? null : { t, signatures };
}

/**
 * True when `signatureHeader` (the `Linktor-Signature` header) signs `rawBody` with `secret`
 * and its timestamp is within `tolerance` seconds of now. Pass the body as received, before
 * any JSON parsing: re-serialised JSON does not verify.
 */
export async function verify(rawBody: RawBody, signatureHeader: string | null | undefined, secret: string, options: VerifyOptions = {}): Promise<boolean> {
  if (!signatureHeader || !secret) return false;
  const parsed = parseHeader(signatureHeader);
  if (!parsed || parsed.signatures.length === 0) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.t) > (options.tolerance ?? 300)) return false;
  const s = await subtle();
  const key = await s.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const body = bytes(rawBody);
  const signed = new Uint8Array(String(parsed.t).length + 1 + body.length);
  signed.set(encoder.encode(`${parsed.t}.`));
  signed.set(body, signed.length - body.length);
  for (const sig of parsed.signatures) if (await s.verify('HMAC', key, sig as BufferSource, signed as BufferSource)) return true;
  return false;
}

/**
 * Verifies a delivery and returns its event, typed by its `event` name (narrow on
 * `event.event`). Throws WebhookSignatureError when the signature does not verify.
 */
export async function constructEvent(rawBody: RawBody, signatureHeader: string | null | undefined, secret: string, options: VerifyOptions = {}): Promise<WebhookEvent> {
  if (!(await verify(rawBody, signatureHeader, secret, options))) {
    throw new WebhookSignatureError('Linktor-Signature does not match the body, the secret or the time (check you pass the raw body and this endpoint\'s secret)');
  }
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(bytes(rawBody));
  return JSON.parse(text) as WebhookEvent;
}

/** The header names of a delivery. */
export const WEBHOOK_HEADERS = {
  signature: 'linktor-signature',
  event: 'linktor-event',
  delivery: 'linktor-delivery',
} as const;

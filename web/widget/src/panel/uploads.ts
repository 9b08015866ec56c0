// Files the visitor sends: checked against the upload policy before anything leaves the
// browser (maxSize, allowedTypes, enabled), then sent to POST /v1/widget/uploads with
// XMLHttpRequest, the one browser API that reports upload progress.

import type { UploadedFile } from '../protocol';

export type UploadRefusal = 'uploads_disabled' | 'file_too_large' | 'file_type_not_allowed';

/** `allowedTypes` entries: 'image/*', 'application/pdf' or '.docx'. An empty list allows any type. */
export function typeAllowed(file: { name: string; type: string }, allowed: string[]): boolean {
  if (!allowed.length) return true;
  const name = file.name.toLowerCase();
  const mime = (file.type || '').toLowerCase();
  return allowed.some((a) => {
    const t = a.trim().toLowerCase();
    if (t.startsWith('.')) return name.endsWith(t);
    if (t.endsWith('/*')) return mime.startsWith(t.slice(0, -1));
    return mime === t;
  });
}

export function checkFile(
  file: { name: string; type: string; size: number },
  policy: { enabled: boolean; maxSize: number; allowedTypes: string[] },
): UploadRefusal | null {
  if (!policy.enabled) return 'uploads_disabled';
  if (file.size > policy.maxSize) return 'file_too_large';
  if (!typeAllowed(file, policy.allowedTypes)) return 'file_type_not_allowed';
  return null;
}

export class UploadError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

export function upload(apiBase: string, token: string, file: File, onProgress: (percent: number) => void): { done: Promise<UploadedFile>; abort(): void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open('POST', `${apiBase}/v1/widget/uploads`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below with the status
      }
      if (xhr.status >= 200 && xhr.status < 300 && body?.url) resolve(body);
      else reject(new UploadError(body?.error?.code ?? (xhr.status === 413 ? 'file_too_large' : 'internal'), body?.error?.message ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new UploadError('network', 'network error'));
    xhr.onabort = () => reject(new UploadError('aborted', 'aborted'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

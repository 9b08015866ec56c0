// Small building blocks every page uses: a labelled field with its hint and error, the page
// heading (title, focus after navigation), copy buttons, live status messages, and a hook for
// data loaded from the API.

import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorText } from './lib/api';
import { consumeFocusRequest } from './lib/focus';

/** A labelled control; `children` gets the id, and aria-describedby for the hint and error. */
export function Field({ label, hint, error, children, class: cls }: { label: ComponentChildren; hint?: ComponentChildren; error?: string; class?: string; children: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedby = [hintId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}${cls ? ' ' + cls : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-describedby': describedby, 'aria-invalid': error ? true : undefined })}
      {hint && <p class="hint" id={hintId}>{hint}</p>}
      {error && <p class="error" id={errId}>{error}</p>}
    </div>
  );
}

/** A checkbox with its label after it. */
export function Check({ label, checked, onChange, hint, disabled }: { label: ComponentChildren; checked: boolean; onChange: (v: boolean) => void; hint?: string; disabled?: boolean }) {
  const id = useId();
  return (
    <div class="check">
      <input type="checkbox" id={id} checked={checked} disabled={disabled} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>{label}</label>
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
    </div>
  );
}

/** The page's h1: sets the document title and, after a navigation, takes focus (screen readers announce the new page). */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Linktor`;
    if (consumeFocusRequest()) ref.current?.focus();
  }, [title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not a secure context, or no permission: select a temporary textarea and copy.
    const t = document.createElement('textarea');
    t.value = text;
    t.setAttribute('readonly', '');
    t.className = 'offscreen';
    document.body.append(t);
    t.select();
    const ok = document.execCommand('copy');
    t.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', class: cls = 'button' }: { text: string; label?: string; class?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class={cls}
      onClick={async () => {
        setDone(await copyText(text));
        setTimeout(() => setDone(false), 2000);
      }}
    >
      {done ? 'Copied' : label}
      <span class="sr-only" role="status">
        {done ? 'Copied to the clipboard' : ''}
      </span>
    </button>
  );
}

/** A read-only block of code with a Copy button. */
export function CodeBlock({ code, label, copy = `Copy ${label.toLowerCase()}` }: { code: string; label: string; copy?: string }) {
  const id = useId();
  return (
    <div class="code-block">
      <div class="code-head">
        <span id={id}>{label}</span>
        <CopyButton text={code} label={copy} />
      </div>
      <pre tabIndex={0} aria-labelledby={id}>
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** A secret the server shows once (an API key, a signing secret), with a Copy button. */
export function SecretOnce({ intro, secret, copy, testId }: { intro: ComponentChildren; secret: string; copy: string; testId: string }) {
  return (
    <div class="notice notice-ok secret-once" role="status">
      <p>{intro}</p>
      <p>
        <code class="mono break" data-testid={testId}>
          {secret}
        </code>{' '}
        <CopyButton text={secret} label={copy} class="button small" />
      </p>
    </div>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="notice notice-error" role="alert">
      {errorText(error)}
    </p>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what}…
    </p>
  );
}

/** Data from the API: `data` once loaded, `error` if it failed, `reload()` to fetch again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void>; set: (v: T) => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const my = ++seq.current;
    setLoading(true);
    try {
      const v = await load();
      if (my === seq.current) {
        setData(v);
        setError(null);
      }
    } catch (e) {
      if (my === seq.current) setError(e);
    } finally {
      if (my === seq.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, set: setData };
}

/** A modal dialog (native <dialog>: focus stays inside, Escape closes). */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onClose={onClose} onCancel={onClose} class="dialog">
      {open && (
        <>
          <h2 id={id}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** A table's (screen-reader) caption and column headings; `actions` adds a last column for the rows' buttons. */
export function TableHead({ caption, columns, actions = false }: { caption?: string; columns: ComponentChildren[]; actions?: boolean }) {
  return (
    <>
      {caption && <caption class="sr-only">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col">{c}</th>
          ))}
          {actions && (
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
    </>
  );
}

/** A row's destructive button ("Revoke", "Delete"…): asks `question` first; a failure goes to `onError`. */
export function RemoveButton({ label, what, question, act, onError }: { label: string; what: string; question: string; act: () => Promise<void>; onError: (e: unknown) => void }) {
  return (
    <button
      type="button"
      class="link-button danger-text"
      onClick={async () => {
        if (!confirm(question)) return;
        try {
          await act();
        } catch (e) {
          onError(e);
        }
      }}
    >
      {label} <span class="sr-only">{what}</span>
    </button>
  );
}

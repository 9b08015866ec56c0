// The pre-chat form and the offline form: the fields the site configured, each labelled,
// required ones and email addresses checked before submitting, errors tied to their field
// for screen readers and focus moved to the first one.

import { useRef, useState } from 'preact/hooks';
import type { FormFieldOption } from '@linktor/shared/options';

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field name → error text, empty when every answer is acceptable. */
export function validateFields(fields: FormFieldOption[], values: Record<string, string>, t: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = (values[f.name] ?? '').trim();
    if (f.required && !v) errors[f.name] = t.required;
    else if (v && f.type === 'email' && !EMAIL.test(v)) errors[f.name] = t.invalidEmail;
  }
  return errors;
}

export function FieldsForm(props: {
  id: string;
  title?: string;
  fields: FormFieldOption[];
  initial: Record<string, string>;
  submitLabel: string;
  t: Record<string, string>;
  onSubmit: (values: Record<string, string>) => void;
}) {
  const { id, fields, t } = props;
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...props.initial }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const form = useRef<HTMLFormElement>(null);

  return (
    <form
      ref={form}
      class="linktor-form"
      noValidate
      aria-labelledby={props.title ? `${id}-title` : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        const found = validateFields(fields, values, t);
        setErrors(found);
        const first = fields.find((f) => found[f.name]);
        if (first) {
          form.current?.querySelector<HTMLElement>(`#${id}-${CSS.escape(first.name)}`)?.focus();
          return;
        }
        const answers: Record<string, string> = {};
        for (const f of fields) answers[f.name] = (values[f.name] ?? '').trim();
        props.onSubmit(answers);
      }}
    >
      {props.title && <p id={`${id}-title`} class="linktor-form-title">{props.title}</p>}
      {fields.map((f, i) => {
        const fid = `${id}-${f.name}`;
        const error = errors[f.name];
        const common = {
          id: fid,
          name: f.name,
          value: values[f.name] ?? '',
          required: !!f.required,
          'aria-required': !!f.required,
          'aria-invalid': !!error,
          'aria-describedby': error ? `${fid}-error` : undefined,
          'data-autofocus': i === 0 ? '' : undefined,
          onInput: (e: Event) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value }),
        };
        return (
          <div class="linktor-field" key={f.name}>
            <label for={fid}>
              {f.label}
              {!f.required && ` (${t.optional})`}
            </label>
            {f.type === 'textarea' ? (
              <textarea {...common} rows={3} />
            ) : (
              <input {...(common as any)} type={f.type ?? 'text'} autoComplete={f.type === 'email' ? 'email' : f.name === 'name' ? 'name' : f.type === 'tel' ? 'tel' : undefined} />
            )}
            {error && <p id={`${fid}-error`} class="linktor-field-error">{error}</p>}
          </div>
        );
      })}
      <button type="submit" class="linktor-button">{props.submitLabel}</button>
    </form>
  );
}

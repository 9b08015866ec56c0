// Appearance tab (the spec's Step 2): primary color, position, size, launcher icon (chat
// bubble or an uploaded icon), company logo, company name, welcome and offline messages.

import { useId, useState } from 'preact/hooks';
import { errorText, upload } from '../lib/api';
import type { Appearance, ChannelSettings, UploadedFile } from '../lib/types';
import { Field } from '../ui';
import type { FieldError } from './ChannelPage';

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function AppearanceTab({ channelId, draft, setDraft, fieldError }: { channelId: string; draft: ChannelSettings; setDraft: (s: ChannelSettings) => void; fieldError: FieldError }) {
  const a = draft.appearance;
  const set = (p: Partial<Appearance>) => setDraft({ ...draft, appearance: { ...a, ...p } });
  const colorOk = HEX.test(a.primaryColor);
  const [iconKind, setIconKind] = useState(a.launcherIcon ? 'custom' : 'bubble');
  const full = (c: string) => (c.length === 4 ? '#' + [...c.slice(1)].map((x) => x + x).join('') : c);
  return (
    <>
      <h2 class="sr-only">Appearance</h2>
      <div class="color-row">
        <Field label="Primary Color" hint="Buttons and header, as #RRGGBB." error={!colorOk ? 'Use a hex color like #0066FF.' : fieldError('appearance.primaryColor')}>
          {(attrs) => <input {...attrs} value={a.primaryColor} maxLength={7} spellcheck={false} onInput={(e) => set({ primaryColor: e.currentTarget.value.trim() })} />}
        </Field>
        <div class="field">
          <label for="color-picker">Pick a color</label>
          <input id="color-picker" type="color" value={colorOk ? full(a.primaryColor) : '#0066ff'} onInput={(e) => set({ primaryColor: e.currentTarget.value.toUpperCase() })} />
        </div>
      </div>
      <Radios
        legend="Widget Position"
        value={a.position}
        options={[
          ['bottom-right', 'Bottom right'],
          ['bottom-left', 'Bottom left'],
        ]}
        onChange={(v) => set({ position: v as Appearance['position'] })}
      />
      <Radios
        legend="Widget Size"
        value={a.size}
        options={[
          ['compact', 'Compact'],
          ['standard', 'Standard'],
          ['large', 'Large'],
        ]}
        onChange={(v) => set({ size: v as Appearance['size'] })}
      />
      <fieldset class="group">
        <legend>Launcher Icon</legend>
        <Radios
          legend="Launcher icon kind"
          hideLegend
          value={iconKind}
          options={[
            ['bubble', 'Chat bubble'],
            ['custom', 'Custom icon'],
          ]}
          onChange={(v) => {
            setIconKind(v);
            if (v === 'bubble') set({ launcherIcon: undefined });
          }}
        />
        {iconKind === 'custom' && <ImageUpload channelId={channelId} label="Upload a custom icon" hint="A square PNG or SVG, shown in the launcher button." url={a.launcherIcon} error={fieldError('appearance.launcherIcon')} onChange={(url) => set({ launcherIcon: url })} />}
      </fieldset>
      <fieldset class="group">
        <legend>Company Logo</legend>
        <ImageUpload channelId={channelId} label="Upload a logo" hint="Shown in the chat header." url={a.logoUrl} error={fieldError('appearance.logoUrl')} onChange={(url) => set({ logoUrl: url })} />
      </fieldset>
      <Field label="Company Name" hint="Shown in the chat header and as the sender of agent messages." error={fieldError('appearance.companyName')}>
        {(attrs) => <input {...attrs} maxLength={128} value={a.companyName} onInput={(e) => set({ companyName: e.currentTarget.value })} />}
      </Field>
      <Field label="Welcome Message" hint="The first message a visitor sees." error={fieldError('appearance.welcomeMessage')}>
        {(attrs) => <textarea {...attrs} rows={2} maxLength={1024} value={a.welcomeMessage} onInput={(e) => set({ welcomeMessage: e.currentTarget.value })} />}
      </Field>
      <Field label="Offline Message" hint="Shown when no agent is online." error={fieldError('appearance.offlineMessage')}>
        {(attrs) => <textarea {...attrs} rows={2} maxLength={1024} value={a.offlineMessage} onInput={(e) => set({ offlineMessage: e.currentTarget.value })} />}
      </Field>
    </>
  );
}

export function Radios({ legend, hideLegend, value, options, onChange }: { legend: string; hideLegend?: boolean; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  const name = useId();
  return (
    <fieldset class="radios">
      <legend class={hideLegend ? 'sr-only' : undefined}>{legend}</legend>
      {options.map(([v, label]) => (
        <label class="radio">
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

/** An image uploaded to the server (POST /v1/uploads); its absolute URL goes into the settings. */
function ImageUpload({ channelId, label, hint, url, error, onChange }: { channelId: string; label: string; hint: string; url?: string; error?: string; onChange: (url: string | undefined) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  return (
    <div class="image-upload">
      {url && <img src={url} alt="" class="thumb" />}
      <Field label={label} hint={hint} error={problem || error}>
        {(attrs) => (
          <input
            {...attrs}
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp,image/svg+xml"
            disabled={busy}
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              setBusy(true);
              setProblem('');
              try {
                onChange((await upload<UploadedFile>(file, channelId)).url);
              } catch (err) {
                setProblem(errorText(err));
              } finally {
                setBusy(false);
              }
            }}
          />
        )}
      </Field>
      {url && (
        <button type="button" class="link-button" onClick={() => onChange(undefined)}>
          Remove {label.replace(/^Upload an? /, '')}
        </button>
      )}
    </div>
  );
}

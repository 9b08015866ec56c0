// Settings → Webhooks: endpoints (URL and the events they get; the signing secret shown once),
// and each endpoint's delivery log — every attempt with its status code or error and duration —
// with Resend.

import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, del, get, post } from '../lib/api';
import { Link, navigate } from '../lib/router';
import { WEBHOOK_EVENTS, type CreatedWebhookEndpoint, type WebhookDelivery, type WebhookEndpoint } from '../lib/types';
import { Check, ErrorNote, Field, Loading, PageTitle, RemoveButton, SecretOnce, TableHead, useLoad } from '../ui';

export function Webhooks({ openId }: { openId?: string }) {
  const endpoints = useLoad(() => get<WebhookEndpoint[]>('/v1/webhooks'), []);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const [error, setError] = useState<unknown>(null);
  const open = endpoints.data?.find((e) => e.id === openId);
  return (
    <section class="page">
      <PageTitle title="Webhooks">Webhooks</PageTitle>
      <p class="hint">
        Linktor POSTs each event to your endpoints as <code>{'{ "event", "data" }'}</code>, signed in the <code>Linktor-Signature</code> header with the endpoint's secret, and retries with backoff until your endpoint answers 2xx.
      </p>
      <NewEndpoint
        onCreated={async (e) => {
          setCreated(e);
          await endpoints.reload();
        }}
      />
      {created && (
        <SecretOnce
          intro={
            <>
              Endpoint <strong class="break">{created.url}</strong> created. Its signing secret is shown once: copy it now.
            </>
          }
          secret={created.secret}
          copy="Copy secret"
          testId="new-webhook-secret"
        />
      )}
      <ErrorNote error={error || endpoints.error} />
      <h2>Endpoints</h2>
      {endpoints.loading && !endpoints.data ? (
        <Loading />
      ) : endpoints.data?.length === 0 ? (
        <p class="muted">No endpoint yet.</p>
      ) : (
        <table class="table">
          <TableHead caption="Webhook endpoints" columns={['URL', 'Events', 'Created']} actions />
          <tbody>
            {(endpoints.data ?? []).map((e) => (
              <tr aria-current={e.id === openId ? 'true' : undefined}>
                <th scope="row" class="break">
                  {e.url}
                  {!e.enabled && <span class="badge"> disabled</span>}
                </th>
                <td>{e.events.length ? e.events.join(', ') : 'All events'}</td>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td class="actions">
                  <Link href={`/app/settings/webhooks/${e.id}`} focus={false}>
                    Deliveries <span class="sr-only">of {e.url}</span>
                  </Link>
                  <RemoveButton
                    label="Delete"
                    what={e.url}
                    question={`Delete the endpoint ${e.url}?`}
                    act={async () => {
                      await del(`/v1/webhooks/${encodeURIComponent(e.id)}`);
                      if (e.id === openId) navigate('/app/settings/webhooks', { focus: false });
                      await endpoints.reload();
                    }}
                    onError={setError}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <Deliveries endpoint={open} />}
    </section>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (e: CreatedWebhookEndpoint) => void }) {
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ url?: string; events?: string; form?: unknown }>({});
  return (
    <form
      class="card"
      aria-labelledby="new-hook-h"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const errs: typeof errors = {};
        if (!/^https?:\/\/[^\s/]+/i.test(url.trim())) errs.url = 'Enter the endpoint URL, such as https://example.com/hooks.';
        if (!all && events.length === 0) errs.events = 'Choose at least one event, or all events.';
        setErrors(errs);
        if (Object.keys(errs).length) return;
        try {
          onCreated(await post<CreatedWebhookEndpoint>('/v1/webhooks', all ? { url: url.trim() } : { url: url.trim(), events }));
          setUrl('');
        } catch (err) {
          setErrors(err instanceof ApiError && err.field === 'url' ? { url: err.detail } : err instanceof ApiError && err.field?.startsWith('events') ? { events: err.detail } : { form: err });
        }
      }}
    >
      <h2 id="new-hook-h">Add an endpoint</h2>
      <Field label="Endpoint URL" error={errors.url}>
        {(a) => <input {...a} type="url" placeholder="https://example.com/hooks" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />}
      </Field>
      <fieldset class="group">
        <legend>Events</legend>
        <Check label="All events" checked={all} onChange={setAll} />
        {!all && (
          <div class="event-list">
            {WEBHOOK_EVENTS.map((ev) => (
              <Check label={<code>{ev}</code>} checked={events.includes(ev)} onChange={(on) => setEvents(on ? [...events, ev] : events.filter((x) => x !== ev))} />
            ))}
          </div>
        )}
        {errors.events && <p class="error">{errors.events}</p>}
      </fieldset>
      <ErrorNote error={errors.form} />
      <button type="submit" class="button primary">
        Add endpoint
      </button>
    </form>
  );
}

function Deliveries({ endpoint }: { endpoint: WebhookEndpoint }) {
  const log = useLoad(() => get<WebhookDelivery[]>(`/v1/webhooks/${encodeURIComponent(endpoint.id)}/deliveries?limit=100`), [endpoint.id]);
  const [error, setError] = useState<unknown>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  return (
    <section aria-labelledby="deliveries-h" class="deliveries">
      <div class="page-head">
        <h2 id="deliveries-h">
          Deliveries to <span class="break">{endpoint.url}</span>
        </h2>
        <button type="button" class="button small" onClick={() => log.reload()}>
          Refresh
        </button>
      </div>
      <ErrorNote error={error || log.error} />
      {log.loading && !log.data ? (
        <Loading />
      ) : log.data?.length === 0 ? (
        <p class="muted">No delivery yet.</p>
      ) : (
        <table class="table">
          <TableHead caption="Delivery log" columns={['Event', 'Status', 'Last answer', 'Attempts', 'Created']} actions />
          <tbody>
            {(log.data ?? []).map((d) => {
              const last = d.attemptLog[d.attemptLog.length - 1];
              return (
                <Fragment key={d.id}>
                  <tr>
                    <th scope="row">
                      <code>{d.event}</code>
                    </th>
                    <td>
                      <span class={`badge badge-${d.status}`}>{d.status}</span>
                      {d.status === 'pending' && d.nextAttemptAt && <span class="small muted"> next {new Date(d.nextAttemptAt).toLocaleTimeString()}</span>}
                    </td>
                    <td>{last ? (last.statusCode ? `HTTP ${last.statusCode}` : last.error || 'error') : '–'}</td>
                    <td>
                      <button type="button" class="link-button" aria-expanded={expanded === d.id} onClick={() => setExpanded(expanded === d.id ? null : d.id)}>
                        {d.attempts} <span class="sr-only">attempts of {d.event}: show</span>
                      </button>
                    </td>
                    <td>{new Date(d.createdAt).toLocaleString()}</td>
                    <td>
                      <button
                        type="button"
                        class="button small"
                        onClick={async () => {
                          try {
                            await post(`/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/resend`);
                            await log.reload();
                          } catch (e) {
                            setError(e);
                          }
                        }}
                      >
                        Resend <span class="sr-only">{d.event}</span>
                      </button>
                    </td>
                  </tr>
                  {expanded === d.id && (
                    <tr class="attempts">
                      <td colSpan={6}>
                        <ol>
                          {d.attemptLog.map((a) => (
                            <li>
                              {new Date(a.at).toLocaleString()}: {a.statusCode ? `HTTP ${a.statusCode}` : a.error || 'error'} in {a.durationMs} ms
                            </li>
                          ))}
                        </ol>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

// Analytics (GET /v1/analytics): conversations per day, first-response and resolution times,
// messages per channel, and the visitors' satisfaction (mean rating 1–5 and how many ratings)
// in total, per day, per channel and per agent, over a chosen period. Charts are small SVGs drawn here (no library);
// each has a text alternative and its numbers in a table below it.

import { useState } from 'preact/hooks';
import { useApp } from '../app';
import { get, query } from '../lib/api';
import { duration, periodEnding } from '../lib/dates';
import type { Analytics as Data, AnalyticsDay } from '../lib/types';
import { ErrorNote, Field, Loading, PageTitle, TableHead, useLoad } from '../ui';

const PERIODS = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 365 days' },
];

export function Analytics() {
  const { channels } = useApp();
  const [days, setDays] = useState(30);
  const [custom, setCustom] = useState(periodEnding(30));
  const [channelId, setChannelId] = useState('');
  const period = days > 0 ? periodEnding(days) : custom;
  const data = useLoad(() => get<Data>(`/v1/analytics${query({ ...period, channelId })}`), [period.from, period.to, channelId]);
  const d = data.data;
  return (
    <section class="page">
      <PageTitle title="Analytics">Analytics</PageTitle>
      <form class="filters-row" onSubmit={(e) => e.preventDefault()}>
        <Field label="Period">
          {(a) => (
            <select {...a} value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
              {PERIODS.map((p) => (
                <option value={p.days}>{p.label}</option>
              ))}
              <option value={0}>Custom dates</option>
            </select>
          )}
        </Field>
        {days === 0 && (
          <>
            <Field label="From">{(a) => <input {...a} type="date" value={custom.from} max={custom.to} onChange={(e) => e.currentTarget.value && setCustom({ ...custom, from: e.currentTarget.value })} />}</Field>
            <Field label="To">{(a) => <input {...a} type="date" value={custom.to} min={custom.from} onChange={(e) => e.currentTarget.value && setCustom({ ...custom, to: e.currentTarget.value })} />}</Field>
          </>
        )}
        <Field label="Channel">
          {(a) => (
            <select {...a} value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)}>
              <option value="">All channels</option>
              {channels.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorNote error={data.error} />
      {!d ? (
        data.loading && <Loading what="Loading analytics" />
      ) : (
        <>
          <ul class="tiles" aria-label="Totals">
            <li>
              <span class="tile-value">{d.totals.conversations}</span> <span class="tile-label">conversations</span>
            </li>
            <li>
              <span class="tile-value">{d.totals.messages}</span> <span class="tile-label">messages</span>
            </li>
            <li>
              <span class="tile-value">{duration(d.totals.firstResponseSeconds)}</span> <span class="tile-label">mean first response</span>
            </li>
            <li>
              <span class="tile-value">{duration(d.totals.resolutionSeconds)}</span> <span class="tile-label">mean resolution</span>
            </li>
            <li>
              <span class="tile-value">{score(d.totals.satisfaction)}</span> <span class="tile-label">satisfaction ({ratings(d.totals.ratings)})</span>
            </li>
          </ul>
          <div class="charts">
            <Chart title="Conversations per day" days={d.days} value={(x) => x.conversations} format={String} kind="bars" />
            <Chart title="First response time" days={d.days} value={(x) => x.firstResponseSeconds} format={duration} kind="line" />
            <Chart title="Resolution time" days={d.days} value={(x) => x.resolutionSeconds} format={duration} kind="line" />
            <Chart title="Satisfaction" days={d.days} value={(x) => x.satisfaction} format={score} kind="line" />
            <ChannelBars channels={d.channels} />
          </div>
          <Satisfaction title="Satisfaction by day" rows={d.days.filter((x) => x.ratings > 0).map((x) => ({ key: x.date, name: x.date, ratings: x.ratings, satisfaction: x.satisfaction }))} />
          <Satisfaction title="Satisfaction by channel" rows={d.channels.map((c) => ({ key: c.channelId, name: c.name, ratings: c.ratings, satisfaction: c.satisfaction }))} />
          <Satisfaction title="Satisfaction by agent" rows={(d.agents ?? []).map((a) => ({ key: a.agentId, name: a.name, ratings: a.ratings, satisfaction: a.satisfaction }))} />
        </>
      )}
    </section>
  );
}

/** A mean rating as "4.3 / 5", "–" when there is none. */
const score = (n: number | null | undefined) => (n == null ? '–' : `${(Math.round(n * 10) / 10).toFixed(1)} / 5`);
const ratings = (n: number) => (n === 1 ? '1 rating' : `${n} ratings`);

function Satisfaction({ title, rows }: { title: string; rows: { key: string; name: string; ratings: number; satisfaction: number | null }[] }) {
  const id = `sat-${title.split(' ').pop()}`;
  return (
    <section aria-labelledby={id} class="satisfaction">
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p class="muted">No ratings in this period.</p>
      ) : (
        <table class="table compact">
          <TableHead columns={[title.replace('Satisfaction by ', '').replace(/^./, (c) => c.toUpperCase()), 'Satisfaction', 'Ratings']} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.name}</th>
                <td>{score(r.satisfaction)}</td>
                <td>{r.ratings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const W = 600;
const H = 180;
const PAD = { l: 8, r: 8, t: 12, b: 22 };

function Chart({ title, days, value, format, kind }: { title: string; days: AnalyticsDay[]; value: (d: AnalyticsDay) => number | null; format: (n: number) => string; kind: 'bars' | 'line' }) {
  const values = days.map(value);
  const present = values.filter((v): v is number => v != null);
  const max = Math.max(1, ...present);
  const n = Math.max(1, days.length);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (iw * (i + 0.5)) / n;
  const y = (v: number) => PAD.t + ih - (ih * v) / max;
  const bw = Math.max(1, (iw / n) * 0.7);
  const summary = present.length ? `${title}: from ${days[0]?.date} to ${days[days.length - 1]?.date}, highest ${format(Math.max(...present))}` : `${title}: no data in this period`;
  // The line breaks where a day has nothing to average.
  const segments: string[] = [];
  let cur = '';
  values.forEach((v, i) => {
    if (v == null) {
      if (cur) segments.push(cur);
      cur = '';
    } else cur += `${cur ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (cur) segments.push(cur);
  const label = (i: number) => days[i]?.date.slice(5);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t + ih} y2={PAD.t + ih} class="axis" />
        {kind === 'bars'
          ? values.map((v, i) =>
              v ? (
                <rect x={x(i) - bw / 2} y={y(v)} width={bw} height={PAD.t + ih - y(v)} class="bar">
                  <title>{`${days[i].date}: ${format(v)}`}</title>
                </rect>
              ) : null,
            )
          : segments.map((d) => <path d={d} class="line" />)}
        {kind === 'line' &&
          values.map((v, i) =>
            v != null ? (
              <circle cx={x(i)} cy={y(v)} r={3} class="point">
                <title>{`${days[i].date}: ${format(v)}`}</title>
              </circle>
            ) : null,
          )}
        {days.length > 0 && (
          <>
            <text x={PAD.l} y={H - 6} class="tick">
              {label(0)}
            </text>
            <text x={W - PAD.r} y={H - 6} class="tick" text-anchor="end">
              {label(days.length - 1)}
            </text>
          </>
        )}
        <text x={W - PAD.r} y={PAD.t} class="tick" text-anchor="end">
          {present.length ? format(max) : ''}
        </text>
      </svg>
      <details>
        <summary>
          Numbers <span class="sr-only">of {title.toLowerCase()}</span>
        </summary>
        <table class="table compact">
          <TableHead columns={['Day', title]} />
          <tbody>
            {days.map((d, i) => (
              <tr>
                <th scope="row">{d.date}</th>
                <td>{values[i] == null ? '–' : format(values[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function ChannelBars({ channels }: { channels: Data['channels'] }) {
  const max = Math.max(1, ...channels.map((c) => c.messages));
  return (
    <figure class="chart">
      <figcaption>Messages per channel</figcaption>
      {channels.length === 0 ? (
        <p class="muted">No messages in this period.</p>
      ) : (
        <ul class="hbars">
          {channels.map((c) => (
            <li>
              <span class="hbar-label">{c.name}</span>
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="hbar" aria-hidden="true">
                <rect x="0" y="0" height="10" width={(100 * c.messages) / max} class="bar" />
              </svg>
              <span class="hbar-value">
                {c.messages} messages, {c.conversations} conversations
              </span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

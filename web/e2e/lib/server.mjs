// Starts the real linktor server for a test file: a fresh data directory, a free port, a
// WebChat channel allowed on localhost and 127.0.0.1, and an API key for agent replies
// through the REST API (POST /v1/messages), as a customer's backend would send them. On
// SQLite by default; `{ database: 'postgres' }` gives it a PostgreSQL database of its own
// (created with psql at LINKTOR_TEST_POSTGRES_URL, default the local server; dropped at stop).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = process.env.LINKTOR_BIN || join(repo, 'target/debug/linktor');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs a `linktor` CLI command with a server's environment; its JSON output, parsed. */
export const linktorCli = (env, ...args) => cli(env, ...args);

function cli(env, ...args) {
  const r = spawnSync(BIN, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`linktor ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  // The CLI prints one JSON object (maybe after log lines): take the last line that parses.
  const lines = r.stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l);
    } catch {}
  }
  return JSON.parse(r.stdout);
}

/**
 * A running server (with `env`, more LINKTOR_… settings). `channel(options)` makes another channel (its JSON); `agent` sends as the
 * business side through the REST API.
 */
export async function startServer({ database = 'sqlite', env: extraEnv = {} } = {}) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run cargo build -p linktor`);
  const dir = mkdtempSync(join(tmpdir(), 'linktor-e2e-'));
  const port = await freePort();
  const env = { LINKTOR_LISTEN: `127.0.0.1:${port}`, LINKTOR_DATA_DIR: dir, RUST_LOG: process.env.RUST_LOG || 'warn', ...extraEnv };
  const dropDatabase = database === 'postgres' ? postgresDatabase(env) : () => undefined;
  const channelOf = (name, ...extra) => cli(env, 'channel', 'create', '--name', name, '--allowed-domains', 'localhost,127.0.0.1', ...extra);
  const channel = channelOf('Website Chat');
  const { key } = cli(env, 'api-key', 'create', '--name', 't');
  const proc = spawn(BIN, ['serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`linktor serve exited: ${log}`);
    try {
      const r = await fetch(`${origin}/v1/widget/channels/${channel.id}/config`, { headers: { Origin: 'http://localhost' } });
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`linktor serve did not answer on ${origin}: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async (method, path, body) => {
    const r = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  return {
    origin,
    channel,
    key,
    env,
    log: () => log,
    /** Another channel, e.g. with other settings. */
    newChannel: (name, ...extra) => channelOf(name, ...extra),
    /** The business side writes to a visitor (any content of the spec). */
    agentSend: (visitorId, content, channelId = channel.id) => api('POST', '/v1/messages', { channelId, to: visitorId, content }),
    /** Replaces the channel's dashboard settings (what the widget gets as defaults). */
    settings: (settings, channelId = channel.id) => api('PATCH', `/v1/channels/${channelId}`, { settings }),
    /** The business side has read the visitor's messages up to `seq`. */
    read: (conversationId, seq) => api('POST', `/v1/conversations/${conversationId}/read`, { seq }),
    typing: (state, conversationId, channelId = channel.id) => api('POST', `/v1/webchat/typing/${state}`, { channelId, conversationId }),
    api,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
      dropDatabase();
    },
  };
}

/** A PostgreSQL database for one server (its URL set in `env`); returns what drops it. */
function postgresDatabase(env) {
  const admin = process.env.LINKTOR_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `linktor_e2e_${process.pid}_${Date.now()}`;
  const psql = (sql) => {
    const r = spawnSync('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql ${sql} failed (${r.status ?? r.error}): ${r.stderr}`);
  };
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  env.LINKTOR_DATABASE_URL = url.toString();
  return () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

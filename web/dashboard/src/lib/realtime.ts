// The agent WebSocket (/v1/agent/ws): one per signed-in tab. It reconnects with backoff and
// jitter, pings every 25 s (the server closes sockets silent for 60 s), and tells listeners
// `reconnected` so the inbox reloads what it may have missed while the socket was down.

import type { AgentClientFrame, AgentServerFrame } from './types';

export type SocketEvent = AgentServerFrame | { type: 'reconnected' } | { type: 'status'; connected: boolean };
type Listener = (e: SocketEvent) => void;

export class AgentSocket {
  private ws: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private attempts = 0;
  private everOpen = false;
  private stopped = true;
  private ping: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  connected = false;

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.ping);
    clearTimeout(this.retry);
    this.ws?.close();
    this.ws = null;
    this.everOpen = false;
    this.setConnected(false);
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Sends a frame if the socket is open; false when it is not (use the REST API instead). */
  send(frame: AgentClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private emit(e: SocketEvent) {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error(err);
      }
    }
  }

  private setConnected(c: boolean) {
    if (this.connected === c) return;
    this.connected = c;
    this.emit({ type: 'status', connected: c });
  }

  private connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/agent/ws`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.setConnected(true);
      clearInterval(this.ping);
      this.ping = setInterval(() => this.send({ type: 'ping' }), 25_000);
      if (this.everOpen) this.emit({ type: 'reconnected' });
      this.everOpen = true;
    };
    ws.onmessage = (ev) => {
      let frame: AgentServerFrame;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      this.emit(frame);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      clearInterval(this.ping);
      this.ws = null;
      this.setConnected(false);
      if (this.stopped) return;
      // 0.5 s, 1 s, 2 s … up to 30 s, ±20 %.
      const base = Math.min(30_000, 500 * 2 ** this.attempts++);
      this.retry = setTimeout(() => this.connect(), base * (0.8 + Math.random() * 0.4));
    };
  }
}

export const socket = new AgentSocket();

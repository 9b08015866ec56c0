// Test doubles for the widget's pure logic: a manual clock with timers, and a recorder of
// console reports.

export class FakeClock {
  now = 0;
  private timers = new Map<number, { at: number; f: () => void }>();
  private next = 1;
  setTimeout = (f: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.now + (ms || 0), f });
    return id;
  };
  clearTimeout = (id: any) => {
    this.timers.delete(id);
  };
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      let due: [number, { at: number; f: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!due || e[1].at < due[1].at)) due = e;
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].f();
    }
    this.now = end;
  }
  get pending() {
    return this.timers.size;
  }
}

export function reports() {
  const list: string[] = [];
  return { list, report: (m: string) => void list.push(m) };
}

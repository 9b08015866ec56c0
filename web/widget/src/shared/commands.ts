// The command queue behind `linktor(…)`: commands given before `init` has finished wait and
// then run in the order given; once ready, each command still waits for the one before it
// (opening may have to load the panel first), so order is kept whatever each one awaits.

export type Command = { name: string; args: unknown[] };

export class CommandQueue {
  private waiting: Command[] = [];
  private running = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** Bumped by stop(): commands chained before a destroy are skipped, not run late. */
  private generation = 0;

  constructor(
    private run: (c: Command) => unknown,
    private report: (error: unknown) => void,
  ) {}

  push(c: Command) {
    if (this.running) this.enqueue(c);
    else this.waiting.push(c);
  }

  /** The widget is ready: waiting commands run, in order, and later ones follow them. */
  start() {
    this.running = true;
    const w = this.waiting;
    this.waiting = [];
    w.forEach((c) => this.enqueue(c));
  }

  /** destroy: drop what waits; the next init starts a fresh queue. */
  stop() {
    this.running = false;
    this.waiting = [];
    this.generation++;
  }

  /** Resolves once everything queued so far has run (for tests and for ordering). */
  idle(): Promise<unknown> {
    return this.chain;
  }

  private enqueue(c: Command) {
    const gen = this.generation;
    this.chain = this.chain.then(() => (gen === this.generation ? this.run(c) : undefined)).catch(this.report);
  }
}

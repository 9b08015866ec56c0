// The command queue behind `linktor(…)`: commands given before `init` has finished wait and
// then run in the order given; once ready, each command still waits for the one before it
// (opening may have to load the panel first), so order is kept whatever each one awaits.

export type Command = { name: string; args: unknown[] };

export function commandQueue(run: (c: Command) => unknown, report: (error: unknown) => void) {
  /** Commands waiting for the widget to be ready; null once it is. */
  let waiting: Command[] | null = [];
  let chain: Promise<unknown> = Promise.resolve();
  /** Bumped by stop(): commands chained before a destroy are skipped, not run late. */
  let generation = 0;
  const enqueue = (c: Command) => {
    const g = generation;
    chain = chain.then(() => g === generation && run(c)).catch(report);
  };
  return {
    push: (c: Command) => (waiting ? waiting.push(c) : enqueue(c)),
    /** The widget is ready: waiting commands run, in order, and later ones follow them. */
    start() {
      const w = waiting ?? [];
      waiting = null;
      w.forEach(enqueue);
    },
    /** destroy: drop what waits; the next init starts afresh. */
    stop() {
      waiting = [];
      generation++;
    },
  };
}

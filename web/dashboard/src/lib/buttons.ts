// Ids of the buttons an agent builds in the composer: made from the label, unique in the message.

/** A button id from its label: "Add to Cart" → "add_to_cart". */
export function buttonId(label: string, taken: string[]): string {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48) || 'button';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

// What grew between two V8 heap snapshots (.heapsnapshot files): self size and count per constructor, biggest first.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size (bytes) and object count per "type:name" (e.g. "object:Promise", "closure:onMessage"). */
export function heapByConstructor(file: string): Map<string, { size: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const [types] = heap.snapshot.meta.node_types;
  const width = fields.length;
  const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), size: fields.indexOf('self_size') };
  const totals = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + at.type] as number] ?? '?';
    // strings and code are grouped by type only: their names are their contents
    const name = ['string', 'concatenated string', 'sliced string', 'code', 'number'].includes(type)
      ? type
      : `${type}:${heap.strings[heap.nodes[i + at.name] as number]}`;
    const entry = totals.get(name) ?? { size: 0, count: 0 };
    entry.size += heap.nodes[i + at.size] as number;
    entry.count += 1;
    totals.set(name, entry);
  }
  return totals;
}

/** The `top` constructors whose self size grew most from `before` to `after`. */
export function heapGrowth(before: string, after: string, top = 10) {
  const a = heapByConstructor(before);
  const b = heapByConstructor(after);
  return [...b]
    .map(([name, { size, count }]) => ({
      name,
      grewBytes: size - (a.get(name)?.size ?? 0),
      grewCount: count - (a.get(name)?.count ?? 0),
      size,
    }))
    .sort((x, y) => y.grewBytes - x.grewBytes)
    .slice(0, top);
}

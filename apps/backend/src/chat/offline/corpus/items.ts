// The corpus as data: utterances written the way people type, each with the tool calls it must cause, split once
// (every third item of each file is held out) so that accuracy is also measured on what the agent was not tuned on.
import { z } from 'zod';
import add from './add.json';
import change from './change.json';
import dialog from './dialog.json';
import fixture from './fixture.json';
import query from './query.json';
import talk from './talk.json';

const Call = z.tuple([z.string(), z.record(z.string(), z.unknown())]);
const Turn = z.object({
  say: z.string().min(1),
  calls: z.array(Call),
  /** A case-insensitive pattern the reply must contain (a question back, what the assistant can do). */
  reply: z.string().optional(),
});
const Item = z.union([
  Turn.strict().transform((turn) => ({ turns: [turn] })),
  z.object({ turns: z.array(Turn).min(1) }),
]);

export type CorpusTurn = z.infer<typeof Turn>;
export interface CorpusItem {
  /** file:index, stable across runs. */
  id: string;
  turns: CorpusTurn[];
}

const FILES: Record<string, unknown[]> = { add, query, change, talk, dialog };

function load(): CorpusItem[] {
  return Object.entries(FILES).flatMap(([file, items]) =>
    items.map((raw, index) => ({ id: `${file}:${index}`, ...Item.parse(raw) })),
  );
}

export const ALL = load();
const heldOut = (item: CorpusItem) => Number(item.id.split(':')[1]) % 3 === 2;
/** What the agent may be tuned on. */
export const TUNING = ALL.filter((item) => !heldOut(item));
/** Never looked at while changing the agent: only its figures are read, once at the end. */
export const HELD_OUT = ALL.filter(heldOut);

export const FIXTURE = z
  .object({
    now: z.string(),
    timeZone: z.string(),
    tasks: z.array(z.object({ id: z.string(), title: z.string() }).loose()),
  })
  .parse(fixture);

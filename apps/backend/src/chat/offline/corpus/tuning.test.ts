// The corpus items the agent was tuned on: every one exactly right, and no task made that nobody asked for.
import { OfflineAgent } from '../agent';
import { ALL, HELD_OUT, TUNING } from './items';
import { runItem } from './score';

describe('the corpus', () => {
  it('has at least 300 utterances, at least 100 of them held out, split the same way every time', () => {
    const utterances = ALL.reduce((n, item) => n + item.turns.length, 0);
    expect(utterances).toBeGreaterThanOrEqual(300);
    expect(HELD_OUT.length).toBeGreaterThanOrEqual(100);
    expect(TUNING.length + HELD_OUT.length).toBe(ALL.length);
    expect(HELD_OUT.every((item) => Number(item.id.split(':')[1]) % 3 === 2)).toBe(true);
    expect(new Set(ALL.map((item) => item.id)).size).toBe(ALL.length);
  });
});

describe('offline agent on the tuning set', () => {
  it.each(TUNING.map((item) => ({ id: item.id, say: item.turns.map((t) => t.say).join(' / '), item })))(
    '$id "$say"',
    async ({ item }) => {
      const result = await runItem(item, (connect) => new OfflineAgent(connect));
      // on failure the turns show what was said, expected, called and replied
      expect({ right: result.right, junk: result.junk, turns: result.right ? [] : result.turns }).toEqual({
        right: true,
        junk: 0,
        turns: [],
      });
    },
  );
});

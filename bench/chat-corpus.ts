// Accuracy and junk tasks of the offline agent on the corpus: `--set tuning` (default) lists what went wrong,
// `--set held-out` prints only the figures (it is never read item by item while the agent is being changed);
// `--baseline` runs today's agent from git instead of the working tree's.
import { parseArgs } from 'node:util';
import { OfflineAgent } from '../apps/backend/src/chat/offline/agent';
import { HELD_OUT, TUNING } from '../apps/backend/src/chat/offline/corpus/items';
import { type MakeAgent, score } from '../apps/backend/src/chat/offline/corpus/score';
import { loadBaselineAgent } from './chat-baseline';

const { values } = parseArgs({
  options: { set: { type: 'string', default: 'tuning' }, baseline: { type: 'boolean', default: false } },
});
const heldOut = values.set === 'held-out';

async function main() {
  const Agent = values.baseline ? await loadBaselineAgent() : OfflineAgent;
  const make: MakeAgent = (connect) => new Agent(connect);
  const result = await score(heldOut ? HELD_OUT : TUNING, make);
  if (!heldOut) {
    for (const r of result.results.filter((x) => !x.right)) {
      console.log(`✗ ${r.id}${r.junk ? ` (junk ${r.junk})` : ''}`);
      for (const t of r.turns)
        console.log(
          `   ${t.ok ? '·' : '✗'} "${t.say}"\n     want ${JSON.stringify(t.expected)}\n     got  ${JSON.stringify(t.actual)}\n     said ${JSON.stringify(t.reply)}`,
        );
    }
  }
  console.log(
    `${values.baseline ? 'baseline' : 'current'} ${heldOut ? 'held-out' : 'tuning'}: ${result.right}/${result.total} exactly right (${(100 * result.accuracy).toFixed(1)} %), ${result.junk} junk tasks`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

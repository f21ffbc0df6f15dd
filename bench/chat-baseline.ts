// Today's offline agent, as it was before issue 19, taken from git so the new one is always measured beside it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentTurnInput, ChatAgent, ToolSession } from '../apps/backend/src/chat/agent';

/** The last commit with the rule-based agent. */
export const BASELINE_COMMIT = '427e5da70aeed77a394f97fb34268d2b3329bac8';
const ROOT = path.resolve(__dirname, '..');
const OFFLINE = 'apps/backend/src/chat/offline';

type Connect = (input: AgentTurnInput) => Promise<ToolSession>;

/** Extracts the old agent under node_modules (so its packages resolve) and loads it. */
export async function loadBaselineAgent(): Promise<new (connect: Connect) => ChatAgent> {
  const dir = path.join(ROOT, 'node_modules/.cache/chat-baseline', BASELINE_COMMIT.slice(0, 12));
  if (!existsSync(path.join(dir, OFFLINE, 'agent.ts'))) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', BASELINE_COMMIT, OFFLINE], { cwd: ROOT, maxBuffer: 1 << 26 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  const mod = (await import(pathToFileURL(path.join(dir, OFFLINE, 'agent.ts')).href)) as {
    OfflineAgent: new (connect: Connect) => ChatAgent;
  };
  return mod.OfflineAgent;
}

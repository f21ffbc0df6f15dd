// How the image runs an app: the run stage's ENV and the node flags of its CMD, read from the Dockerfile, so a bundle
// started here (BundleSystem) runs as it runs deployed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DeployedRuntime {
  /** The flags between `node` and the script in the CMD. */
  nodeArgs: string[];
  /** The run stage's ENV. */
  env: Record<string, string>;
}

export function deployedRuntime(dockerfile = join(__dirname, '..', '..', '..', 'Dockerfile')): DeployedRuntime {
  const text = readFileSync(dockerfile, 'utf8');
  const runStage = text.slice([...text.matchAll(/^FROM /gm)].at(-1)?.index ?? 0);
  const cmd = /^CMD (\[.*\])$/m.exec(runStage)?.[1];
  if (!cmd) throw new Error(`no CMD in the run stage of ${dockerfile}`);
  const argv = JSON.parse(cmd) as string[];
  if (argv[0] !== 'node') throw new Error(`the CMD of ${dockerfile} does not run node: ${cmd}`);
  const env: Record<string, string> = {};
  for (const [, pairs] of runStage.matchAll(/^ENV (.+)$/gm)) {
    for (const [, name, value] of (pairs as string).matchAll(/(\w+)=(\S+)/g)) env[name as string] = value as string;
  }
  return { nodeArgs: argv.slice(1, -1), env };
}

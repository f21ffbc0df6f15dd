// The Dapr the cluster runs (infra/config.ts) and the one built for local runs and CI (go.mod) must be the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { daprVersionFromGoMod } from './paths';

it('tools/dapr/go.mod requires the dapr version infra/config.ts defaults daprVersion to', () => {
  const config = readFileSync(join(__dirname, '..', '..', 'infra', 'config.ts'), 'utf8');
  const infraDefault = /daprVersion:\s*config\.get\('daprVersion'\)\s*\?\?\s*'([^']+)'/.exec(config)?.[1];
  expect(infraDefault).toMatch(/^\d+\.\d+\.\d+/);
  expect(daprVersionFromGoMod()).toBe(infraDefault);
});

it('reads the dapr require, not the version named in comments or other modules', () => {
  const goMod = [
    "// Copied from github.com/dapr/dapr v1.0.0's go.mod",
    'require (',
    '\tgithub.com/dapr/components-contrib v1.17.0',
    '\tgithub.com/dapr/dapr v1.18.2',
    ')',
  ].join('\n');
  expect(daprVersionFromGoMod(goMod)).toBe('1.18.2');
  expect(daprVersionFromGoMod('require github.com/dapr/dapr v1.19.0-rc.1 // indirect\n')).toBe('1.19.0-rc.1');
});

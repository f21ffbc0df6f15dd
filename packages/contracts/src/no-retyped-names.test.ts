// Names live in this package only: no other source file spells a topic, component or app id as a literal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALL_APP_IDS, COMPONENTS, deadLetterTopic, NAMESPACE, SECRET, TOPICS } from './index';

const root = join(__dirname, '..', '..', '..');
const names = [
  ...ALL_APP_IDS,
  ...Object.values(COMPONENTS),
  ...Object.values(TOPICS),
  ...Object.values(TOPICS).map(deadLetterTopic),
  NAMESPACE,
  SECRET.name,
];
const literal = new RegExp(`(['"\`])(${names.map((n) => n.replace(/-/g, '\\-')).join('|')})\\1`);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry) && !/\.test(-helper)?\.tsx?$|test-helper\.ts$/.test(entry) ? [path] : [];
  });
}

it('no TypeScript source outside packages/contracts spells a shared name as a string literal', () => {
  const dirs = ['apps', 'packages', 'infra', 'stacks', 'bench', 'faults', 'tools']
    .map((d) => join(root, d))
    .filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
  const files = dirs.flatMap(sources).filter((f) => !f.startsWith(join(root, 'packages', 'contracts')));
  expect(files.length).toBeGreaterThan(5);
  const offenders = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const code = line.trim();
        const isComment = code.startsWith('//') || code.startsWith('*') || code.startsWith('/*');
        return !isComment && literal.test(code) ? [`${relative(root, file)}:${i + 1}: ${code}`] : [];
      }),
  );
  expect(offenders).toEqual([]);
});

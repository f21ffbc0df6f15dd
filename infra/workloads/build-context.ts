// The Minikube image tag: a hash of what `docker build` is sent (the context less .dockerignore), so a change to any
// file the build reads gives a new tag, a new pod spec and a rollout; a change to an ignored file gives none.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';

/** .dockerignore's patterns as globs that also cover whatever lies below a matched directory. */
function ignored(dir: string): string[] {
  const lines = readFileSync(join(dir, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.flatMap((line) => {
    // Docker re-includes with `!`; a hash that ignored such a line would miss changes, so refuse it
    if (line.startsWith('!')) throw new Error(`.dockerignore: ${line}: exceptions are not supported by contextHash`);
    const pattern = line.replace(/^\/+/, '').replace(/\/+$/, '');
    return [pattern, `${pattern}/**`];
  });
}

/** Hex sha256 (first 16 digits) over every file of the build context: its path, mode and content, in path order. */
export function contextHash(dir: string): string {
  const files = fg.sync('**', { cwd: dir, dot: true, onlyFiles: true, ignore: ignored(dir), stats: true });
  const hash = createHash('sha256');
  for (const file of files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${(file.stats?.mode ?? 0) & 0o777}\0`);
    hash.update(readFileSync(join(dir, file.path)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

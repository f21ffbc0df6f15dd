// Every relative link in README.md and docs/ reaches a file that exists and, with a #fragment, a heading of that file
// (anchors as GitHub makes them), so a moved page or a renamed heading fails here instead of in a reader's browser.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The lines outside fenced code blocks, with inline code spans blanked: neither holds links or headings. */
function prose(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const open = FENCE.exec(line)?.[1];
    if (fence) {
      if (open && open[0] === fence[0] && open.length >= fence.length) fence = undefined;
      lines.push('');
    } else if (open) {
      fence = open;
      lines.push('');
    } else {
      lines.push(line);
    }
  }
  return lines;
}

/** A heading's text as GitHub renders it, then its slug: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');

/** The anchors a page offers: one per heading (a repeated heading gets -1, -2, …) and any `<a id>`/`<a name>`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string);
  }
  return anchors;
}

/** Every link target of a page: inline links and images, and reference definitions. */
function linksOf(markdown: string): string[] {
  const text = prose(markdown)
    .map((line) => line.replace(/(`+)[^`]*?\1/g, ''))
    .join('\n');
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string);
  const defined = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] as string);
  return [...inline, ...defined];
}

/** The links of `file` that point to no file here, or to a heading its target lacks (web links are not followed). */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const link of linksOf(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) continue;
    const [pathPart = '', fragment] = link.split('#', 2);
    const target = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    if (!existsSync(target)) {
      broken.push(`${link}: no such file`);
    } else if (fragment && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(fragment)) {
      broken.push(`${link}: no heading #${fragment} in ${relative(ROOT, target)}`);
    }
  }
  return broken;
}

const markdownUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });

const PAGES = [join(ROOT, 'README.md'), ...markdownUnder(join(ROOT, 'docs'))].map((p) => relative(ROOT, p));

it.each(PAGES)('every relative link in %s reaches a file and heading that exist', (page) => {
  expect(brokenLinks(join(ROOT, page))).toEqual([]);
});

it('the README links every page of docs/', () => {
  const linked = new Set(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((link) => link.split('#')[0]));
  const unlinked = PAGES.filter((page) => page.startsWith('docs/') && !linked.has(page));
  expect(unlinked).toEqual([]);
});

it('reports a link to a missing file, to a missing heading, and to a missing heading of its own page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
  try {
    writeFileSync(join(dir, 'b.md'), '# Real heading: `npm start`, twice\n\n## Real heading: `npm start`, twice\n');
    writeFileSync(
      join(dir, 'a.md'),
      [
        '# Here',
        '[fine](b.md#real-heading-npm-start-twice) [second](b.md#real-heading-npm-start-twice-1) [self](#here)',
        '[web](https://example.com/missing.md) [folder](.) `[in code](gone.md)`',
        '```',
        '[in a block](gone.md)',
        '```',
        '[missing file](gone.md) [missing heading](b.md#nope) [missing here](#not-here)',
        '[defined]: elsewhere.md',
      ].join('\n'),
    );
    expect(brokenLinks(join(dir, 'a.md'))).toEqual([
      'gone.md: no such file',
      expect.stringMatching(/^b\.md#nope: no heading #nope in /),
      expect.stringMatching(/^#not-here: no heading #not-here in /),
      'elsewhere.md: no such file',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Names and cross-app paths live in this package only: no other source file spells a topic, component or app id, or
// a path one app calls on another, as a literal — so a rename here is a compile error there, never a silent drift.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ALL_APP_IDS,
  APP_IDS,
  BROWSER_ROUTES,
  COMPONENTS,
  deadLetterTopic,
  INVOCATIONS,
  jobTriggerPath,
  NAMESPACE,
  reminderJobName,
  SECRET,
  SUBSCRIPTION_ROUTE,
  TOPICS,
} from './index';

const root = join(__dirname, '..', '..', '..');
const names = [
  ...ALL_APP_IDS,
  ...Object.values(COMPONENTS),
  ...Object.values(TOPICS),
  ...Object.values(TOPICS).map(deadLetterTopic),
  NAMESPACE,
  SECRET.name,
];
const asPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const quotedName = new RegExp(`(['"\`])(${names.map(asPattern).join('|')})\\1`);

/**
 * What one app invokes on another (the frontend's forwarding is the browser API, checked against the route tables
 * instead), where a reminder job triggers and where a subscription's deliveries arrive, with or without the leading
 * slash, whole or as a prefix (up to a parameter, or the job name's task id).
 */
const contractPaths = [
  ...INVOCATIONS.filter((i) => i.caller !== APP_IDS.frontend).map((i) => i.path),
  jobTriggerPath(reminderJobName(':id')),
  SUBSCRIPTION_ROUTE.path,
];
/** Finds any of `paths` as written in code: whole, or as the prefix up to its first parameter. */
const pathsPattern = (paths: string[]) => {
  const patterns = paths.map((path) => {
    const [fixed = '', ...params] = path.slice(1).split(':');
    return params.length ? asPattern(fixed) : `${asPattern(fixed)}(?![\\w-])`;
  });
  return new RegExp(`(?<![\\w.-])(${[...new Set(patterns)].join('|')})`);
};
const pathLiteral = pathsPattern(contractPaths);
/** The browser's API: the browser calls it and the apps serve it (each app's route table is checked against it). */
const browserPathLiteral = pathsPattern(BROWSER_ROUTES.map((r) => r.path));

const isTest = (file: string) => /\.test(-helper)?\.tsx?$|test-helper\.ts$/.test(file);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry) ? [path] : [];
  });
}

/** Every TypeScript file of the tree outside the packages named. */
function filesOutside(...packages: string[]): string[] {
  const dirs = ['apps', 'packages', 'infra', 'stacks', 'bench', 'faults', 'tools']
    .map((d) => join(root, d))
    .filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
  const skipped = packages.map((p) => join(root, 'packages', p));
  return dirs.flatMap(sources).filter((f) => !skipped.some((dir) => f.startsWith(dir)));
}

/** `file:line: code` of each code line (comments aside) that `pattern` finds. */
function offenders(files: string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const code = line.trim();
        const isComment = code.startsWith('//') || code.startsWith('*') || code.startsWith('/*');
        return !isComment && pattern.test(code) ? [`${relative(root, file)}:${i + 1}: ${code}`] : [];
      }),
  );
}

it('no TypeScript source outside packages/contracts spells a shared name as a string literal', () => {
  const files = filesOutside('contracts').filter((f) => !isTest(f));
  expect(files.length).toBeGreaterThan(5);
  expect(offenders(files, quotedName)).toEqual([]);
});

// The stand-in plays daprd, which knows no app's routes: its tests schedule and invoke apps of their own.
it('no TypeScript file outside packages/contracts, tests included, spells a path one app calls on another', () => {
  expect(contractPaths.length).toBeGreaterThanOrEqual(4);
  const files = filesOutside('contracts', 'local-sidecar');
  expect(files.filter(isTest).length).toBeGreaterThan(5);
  expect(offenders(files, pathLiteral)).toEqual([]);
});

// Tests may spell the browser's paths: they pin what goes on the wire, so a rename here fails them out loud.
it("no app's own code spells a path of the browser's API: the browser and the apps that serve it take it from here", () => {
  const apps = join(root, 'apps');
  const files = readdirSync(apps).flatMap((app) => sources(join(apps, app, 'src')).filter((f) => !isTest(f)));
  expect(files.length).toBeGreaterThan(5);
  expect(offenders(files, browserPathLiteral)).toEqual([]);
});

it("finds a path of the browser's API however it is written, and not a path that only begins like one", () => {
  const found = (code: string) => browserPathLiteral.test(code);
  expect(found(`api('/api/auth/sign-in', { body })`)).toBe(true);
  expect(found(`api<TaskPage>(\`/api/tasks?\${params}\`)`)).toBe(true);
  expect(found(`api(\`/api/tasks/\${task.id}/complete\`, { method: 'POST' })`)).toBe(true);
  expect(found(`app.route('/api/chat', chatRoutes())`)).toBe(true);
  expect(found(`invoke(backend, 'api/notifications/read-all')`)).toBe(true);
  expect(found(`app.use('/api/*', requireUser)`)).toBe(false);
  expect(found(`'/api/tasksets'`)).toBe(false);
  expect(found(`fetch(STREAM_PATH, { headers })`)).toBe(false);
});

it('finds a contract path however it is spelled, and not a path that only begins like one', () => {
  const found = (code: string) => pathLiteral.test(code);
  expect(found(`dapr.invoke.call(backend, 'internal/next-occurrence', {`)).toBe(true);
  expect(found(`h.api('/api/auth/me', { token })`)).toBe(true);
  expect(found(`fetch(h.url(\`/job/reminder-\${id}\`))`)).toBe(true);
  expect(found(`'/api/%2e%2e/internal/next-occurrence'`)).toBe(true);
  expect(found(`route: '/events/task-events',`)).toBe(true);
  expect(found(`const aims = ['events/reminders'];`)).toBe(true);
  expect(found(`h.api('/api/auth/members')`)).toBe(false);
  expect(found(`'/api/tasks'`)).toBe(false);
  expect(found(`fetch(h.url(\`/job/\${reminderJobName(id)}\`))`)).toBe(false);
  expect(found(`app.request(subscriptionRoute(TOPICS.reminders))`)).toBe(false);
  expect(found(`'/api/task-events/x'`)).toBe(false);
});

// What the workflows are for: CI runs what .ci/run runs, preview with a PR comment and the policy pack, review stacks
// torn down on close, the kind end-to-end job; cloud access by OIDC; nothing that hides a failure. Whether they are
// valid (syntax, expressions, action inputs, shell) is actionlint's job, in `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const DIR = join(__dirname, '..', '.github', 'workflows');
// biome-ignore lint/suspicious/noExplicitAny: workflow YAML
const workflow = (name: string): any => parse(readFileSync(join(DIR, `${name}.yml`), 'utf8'));
// biome-ignore lint/suspicious/noExplicitAny: workflow YAML
const stepsUsing = (job: any, action: string) => job.steps.filter((s: { uses?: string }) => s.uses?.startsWith(action));

it('has the four workflows and none hides a failure', () => {
  expect(readdirSync(DIR).sort()).toEqual(['ci.yml', 'e2e.yml', 'preview.yml', 'review-stack.yml']);
  for (const file of readdirSync(DIR)) {
    const text = readFileSync(join(DIR, file), 'utf8');
    expect(text).not.toMatch(/continue-on-error:\s*true|\|\|\s*true/);
    expect(text).not.toMatch(/AZURE_CLIENT_SECRET|GOOGLE_CREDENTIALS|client-secret/);
  }
});

it('ci: lint, typecheck, the real engines, the tests and the fault suite on both runtimes, as .ci/run', () => {
  const ci = workflow('ci');
  expect(Object.keys(ci.on)).toEqual(['pull_request', 'push']);
  const runs = ci.jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean);
  expect(runs).toEqual([
    'npm ci',
    'npm run lint',
    'npm run typecheck',
    'npm run dapr:build',
    'npm test',
    'npm run test:daprd',
    'npm run faults',
    'npm run faults:daprd',
  ]);
  // the same commands, in the same order, as the script CI runs here
  const script = readFileSync(join(__dirname, '..', '.ci', 'run'), 'utf8');
  const scripted = script.split('\n').filter((line) => /^npm /.test(line));
  expect(scripted.map((line) => line.replace(/ --no-audit --no-fund$/, ''))).toEqual(runs);
});

it('preview: pulumi preview of the cloud stacks, commented on the PR, with the policy pack, by OIDC', () => {
  const preview = workflow('preview');
  expect(preview.permissions['id-token']).toBe('write');
  expect(preview.jobs.preview.strategy.matrix.stack).toEqual(['aks', 'gke']);
  const [pulumi] = stepsUsing(preview.jobs.preview, 'pulumi/actions');
  expect(pulumi.with).toMatchObject({ command: 'preview', 'comment-on-pr': true, policyPacks: 'infra/policy' });
});

it('review-stack: pr-<number> up on open and push, destroyed and removed on close, one run per PR at a time', () => {
  const review = workflow('review-stack');
  expect(review.on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened', 'closed']);
  expect(review.concurrency).toMatchObject({
    group: expect.stringContaining('github.event.pull_request.number'),
    'cancel-in-progress': false,
  });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
  expect(review.env.STACK).toContain('pr-${{ github.event.pull_request.number }}');
  expect(review.jobs.deploy.if).toBe("github.event.action != 'closed'");
  expect(JSON.stringify(review.jobs.deploy.steps)).toContain('--copy-config-from');
  expect(stepsUsing(review.jobs.deploy, 'pulumi/actions').at(-1).with.command).toBe('up');
  expect(review.jobs.teardown.if).toBe("github.event.action == 'closed'");
  expect(stepsUsing(review.jobs.teardown, 'pulumi/actions')[0].with).toMatchObject({
    command: 'destroy',
    remove: true,
  });
});

it('e2e: a kind cluster, pulumi up of the local-style stack, a smoke test through the frontend, teardown', () => {
  const e2e = workflow('e2e');
  const job = e2e.jobs.kind;
  expect(stepsUsing(job, 'helm/kind-action')).toHaveLength(1);
  const script = job.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
  expect(script).toContain('kind load docker-image');
  expect(script).toContain('pulumi config set todo-chatbot:target local');
  expect(script).toContain('pulumi up --yes --stack e2e');
  expect(script).toContain('npm run smoke');
  expect(job.steps.at(-1)).toMatchObject({ if: 'always()', run: 'pulumi destroy --yes --stack e2e' });
});

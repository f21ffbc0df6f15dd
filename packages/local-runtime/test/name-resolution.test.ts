// Two systems with the same app ids on one machine: each daprd resolves app ids within its own system only.
import { DaprdSidecars, daprdMissing, TestApp } from '@todo/testkit';

const why = daprdMissing();
if (why) console.warn(`name-resolution.test.ts is skipped: ${why}`);

(why ? describe.skip : describe)('name resolution on daprd', () => {
  const systems = ['first', 'second'].map((name) => {
    const callee = new TestApp();
    callee.hono.get('/whoami', (c) => c.text(name));
    return { name, callee, sidecars: undefined as DaprdSidecars | undefined };
  });

  beforeAll(async () => {
    for (const system of systems) {
      await system.callee.start();
      system.sidecars = await new DaprdSidecars({
        apps: [{ appId: 'caller' }, { appId: 'callee', appPort: system.callee.port }],
        components: [],
      }).start();
    }
  }, 120_000);

  afterAll(async () => {
    for (const system of systems) {
      await system.sidecars?.stop();
      await system.callee.stop();
    }
  }, 60_000);

  it('sends every call to the callee of the caller’s own system, never the other’s of the same id', async () => {
    for (const system of systems) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${system.sidecars?.url('caller')}/v1.0/invoke/callee/method/whoami`).then((r) => r.text()),
        ),
      );
      expect(new Set(answers)).toEqual(new Set([system.name]));
    }
  });
});

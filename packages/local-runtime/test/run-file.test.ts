// dapr.yaml and resources/ are YAML, so they cannot import the contracts: this test keeps them equal.
import { join } from 'node:path';
import { ALL_APP_IDS, APP_IDS, COMPONENTS, LOCAL_PORTS, RESILIENCY_NAME, SECRET, STATE_TABLE } from '@todo/contracts';
import { readResources, readRunFile } from '@todo/local-sidecar';

const ROOT = join(__dirname, '..', '..', '..');
const runFile = readRunFile(join(ROOT, 'dapr.yaml'));
const resources = readResources(runFile.resourcesPaths);
const component = (name: string) => resources.components.find((c) => c.metadata.name === name);

it('dapr.yaml runs the four apps on the ports in the contracts', () => {
  expect(runFile.apps.map((a) => a.appId)).toEqual([...ALL_APP_IDS]);
  for (const app of runFile.apps) {
    expect({ app: app.appPort, daprHttp: app.daprHttpPort }).toEqual(
      LOCAL_PORTS[app.appId as keyof typeof LOCAL_PORTS],
    );
    expect(app.command?.length).toBeGreaterThan(0);
  }
});

it('resources/ declares exactly the components in the contracts, scoped to known app ids', () => {
  expect(resources.components.map((c) => c.metadata.name).sort()).toEqual(Object.values(COMPONENTS).sort());
  for (const c of resources.components) {
    expect(c.scopes?.length).toBeGreaterThan(0);
    for (const scope of c.scopes ?? []) expect(ALL_APP_IDS).toContain(scope);
  }
  expect(component(COMPONENTS.pubsub)?.scopes).not.toContain(APP_IDS.frontend);
});

it('the state store reads its connection string from the secret, not from the file', () => {
  const statestore = component(COMPONENTS.stateStore);
  expect(statestore?.auth?.secretStore).toBe(COMPONENTS.secretStore);
  expect(statestore?.spec.metadata).toContainEqual({
    name: 'connectionString',
    secretKeyRef: { name: SECRET.name, key: SECRET.keys.databaseUrl },
  });
  expect(statestore?.spec.metadata).toContainEqual({ name: 'tableName', value: STATE_TABLE });
});

it('every app id gets its own consumer group, reading from the oldest message', () => {
  const meta = component(COMPONENTS.pubsub)?.spec.metadata ?? [];
  expect(meta).toContainEqual({ name: 'consumerGroup', value: '{appID}' });
  expect(meta).toContainEqual({ name: 'initialOffset', value: 'oldest' });
});

it('the resiliency resource targets the backend and the pub/sub component', () => {
  const [resiliency] = resources.resiliencies;
  expect(resiliency?.metadata.name).toBe(RESILIENCY_NAME);
  expect(Object.keys(resiliency?.spec.targets.apps ?? {})).toEqual([APP_IDS.backend]);
  expect(Object.keys(resiliency?.spec.targets.components ?? {})).toEqual([COMPONENTS.pubsub]);
});

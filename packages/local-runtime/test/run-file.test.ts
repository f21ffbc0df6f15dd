// dapr.yaml and resources/ are YAML, so they cannot import the contracts: this test keeps them equal.
import { join } from 'node:path';
import { ALL_APP_IDS, APP_IDS, COMPONENTS, LOCAL_PORTS, RESILIENCY_NAME, SECRET, STATE_TABLE } from '@todo/contracts';
import { parseReplicas, readResources, readRunFile } from '@todo/local-sidecar';

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

it("TODO_REPLICAS adds copies of an app after the run file's own, each on ports of its own", () => {
  const replicas = parseReplicas('backend=2, notification-service=3');
  const apps = readRunFile(join(ROOT, 'dapr.yaml'), { portOffset: 100, replicas }).apps;
  expect(apps.map((a) => a.name)).toEqual([
    ...ALL_APP_IDS,
    'backend-2',
    'notification-service-2',
    'notification-service-3',
  ]);
  const copies = apps.filter((a) => a.replica > 1);
  expect(copies.map((a) => a.appId)).toEqual([
    APP_IDS.backend,
    APP_IDS.notificationService,
    APP_IDS.notificationService,
  ]);
  const ports = apps.flatMap((a) => [a.appPort, a.daprHttpPort]);
  expect(new Set(ports).size).toBe(ports.length);
  expect(copies[0]?.command).toEqual(apps[1]?.command);
});

it('TODO_REPLICAS refuses what it cannot run, saying why', () => {
  expect(() => parseReplicas('backend')).toThrow('"backend" is not <app id>=<1-3> (e.g. backend=2)');
  expect(() => parseReplicas('backend=9')).toThrow('is not <app id>=<1-3>');
  expect(() => readRunFile(join(ROOT, 'dapr.yaml'), { replicas: { ghost: 2 } })).toThrow(
    'no app ghost in the run file',
  );
  expect(parseReplicas(undefined)).toEqual({});
});

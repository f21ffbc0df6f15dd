// The two runtimes every conformance test runs on: the stand-in, and real daprd 1.18 (the judge) where it is built.
import { randomBytes } from 'node:crypto';
import { COMPONENTS } from '@todo/contracts';
import {
  DaprdSidecars,
  daprdMissing,
  emptyResources,
  freshDatabase,
  pubsubComponent,
  runtimeFor,
  secretFileComponent,
  sidecarUrl,
  type TestApp,
} from '@todo/testkit';
import type { ComponentResource, ResiliencyResource } from '../src';

export type RuntimeName = 'stand-in' | 'daprd';

export interface SidecarSetup {
  apps: { appId: string; appPort?: number }[];
  /** The components, given the URL of a fresh database for the state store. */
  components: (databaseUrl: string) => ComponentResource[];
  resiliencies?: ResiliencyResource[];
  topics?: string[];
  jobs?: boolean;
  /** Where relative paths in component metadata (secretsFile) resolve. */
  baseDir?: string;
  apiToken?: string;
  appToken?: string;
}

export interface Sidecars {
  url(appId: string): string;
  stop(): Promise<void>;
}

export async function startSidecars(runtime: RuntimeName, setup: SidecarSetup): Promise<Sidecars> {
  const db = await freshDatabase();
  try {
    if (runtime === 'daprd') {
      const daprd = new DaprdSidecars({ ...setup, components: setup.components(db.url) });
      await daprd.start().catch(async (error) => {
        await daprd.stop();
        throw error;
      });
      return {
        url: (appId) => daprd.url(appId),
        stop: () => daprd.stop().finally(() => db.drop()),
      };
    }
    const resources = emptyResources();
    resources.components.push(...setup.components(db.url));
    resources.resiliencies.push(...(setup.resiliencies ?? []));
    const standIn = runtimeFor(db.url, setup.apps, resources, setup);
    await standIn.start();
    return {
      url: (appId) => sidecarUrl(standIn, appId),
      stop: () => standIn.stop().finally(() => db.drop()),
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** Runs `body` once per runtime; the daprd variant is skipped, with a warning, where daprd is not built. */
export function eachRuntime(file: string, needs: { kafka?: boolean }, body: (runtime: RuntimeName) => void): void {
  describe('on the stand-in', () => body('stand-in'));
  const why = daprdMissing(needs.kafka);
  if (why) console.warn(`${file}: the daprd variant is skipped: ${why}`);
  (why ? describe.skip : describe)('on daprd 1.18', () => body('daprd'));
}

/** App ids of this run, unique per run so that the logs of test files running side by side are told apart. */
export const appIds = <T extends string>(...names: T[]): Record<T, string> => {
  const suffix = randomBytes(3).toString('hex');
  return Object.fromEntries(names.map((n) => [n, `${n}-${suffix}`])) as Record<T, string>;
};

/** The local-file secret store our apps read as kubernetes-secrets. */
export const secretStore = (file = 'secrets.json') => secretFileComponent(COMPONENTS.secretStore, file);

/** Starting daprd (and Kafka) takes seconds: the hooks of a daprd variant get this long. */
export const START_TIMEOUT_MS = 90_000;

/** Plain HTTP to one app's sidecar with the API token and a JSON content type unless the test sets others. */
export const apiOf =
  (sidecars: () => Sidecars, appId: string, token = 'api-token') =>
  (path: string, init: RequestInit = {}) =>
    fetch(`${sidecars().url(appId)}${path}`, {
      ...init,
      headers: { 'dapr-api-token': token, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

/** The pub/sub component of the conformance files: our apps' own name for it. */
export const PUBSUB = COMPONENTS.pubsub;

/**
 * A publisher app and `subscriber` (its routes set by the test beforehand) beside their sidecars on one Kafka pub/sub
 * component named PUBSUB (kafka-pubsub), with the tokens apiOf and the apps use; started before the file's tests, stopped after.
 */
export function pubsubSidecars(
  runtime: RuntimeName,
  ids: { publisher: string; subscriber: string },
  subscriber: TestApp,
  topics: string[],
  resiliencies: ResiliencyResource[] = [],
): () => Sidecars {
  let sidecars: Sidecars | undefined;
  beforeAll(async () => {
    await subscriber.start();
    sidecars = await startSidecars(runtime, {
      apps: [{ appId: ids.publisher }, { appId: ids.subscriber, appPort: subscriber.port }],
      components: () => [pubsubComponent(PUBSUB, { consumerGroup: '{appID}', initialOffset: 'oldest' })],
      resiliencies,
      topics,
      apiToken: 'api-token',
      appToken: 'app-token',
    });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await sidecars?.stop();
    await subscriber.stop();
  }, START_TIMEOUT_MS);
  return () => {
    if (!sidecars) throw new Error('the sidecars have not started');
    return sidecars;
  };
}

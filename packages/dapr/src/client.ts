// One client per app, composed of one small client per building block.
import { type DaprClientOptions, daprOptionsFromEnv } from './config';
import { HealthClient } from './health';
import { SidecarHttp } from './http';
import { InvokeClient } from './invoke';
import { JobsClient } from './jobs';
import { PubSubClient } from './pubsub';
import { SecretsClient } from './secrets';
import { StateClient } from './state';

export class Dapr {
  readonly pubsub: PubSubClient;
  readonly state: StateClient;
  readonly secrets: SecretsClient;
  readonly invoke: InvokeClient;
  readonly jobs: JobsClient;
  readonly health: HealthClient;

  constructor(readonly options: DaprClientOptions = daprOptionsFromEnv()) {
    const http = new SidecarHttp(options);
    this.pubsub = new PubSubClient(http);
    this.state = new StateClient(http);
    this.secrets = new SecretsClient(http);
    this.invoke = new InvokeClient(http);
    this.jobs = new JobsClient(http, options.jobsApiVersion);
    this.health = new HealthClient(http);
  }
}

// The app secret (DATABASE_URL, AUTH_SECRET, OPENAI_API_KEY) and the two Dapr tokens, as Kubernetes Secrets.

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { APP_TOKEN_SECRET, DAPR_API_TOKEN_SECRET, SECRET } from '@todo/contracts';

export interface SecretsArgs {
  namespace: pulumi.Input<string>;
  databaseUrl: pulumi.Input<string>;
  openaiApiKey?: pulumi.Input<string>;
}

export class AppSecrets extends pulumi.ComponentResource {
  readonly appSecret: k8s.core.v1.Secret;
  readonly appToken: k8s.core.v1.Secret;
  readonly daprApiToken: k8s.core.v1.Secret;

  constructor(name: string, args: SecretsArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Secrets', name, {}, opts);
    const parent = { parent: this };
    const token = (id: string) => new random.RandomPassword(id, { length: 48, special: false }, parent).result;
    this.appSecret = new k8s.core.v1.Secret(
      'app-secret',
      {
        metadata: { name: SECRET.name, namespace: args.namespace },
        type: 'Opaque',
        stringData: {
          [SECRET.keys.databaseUrl]: args.databaseUrl,
          [SECRET.keys.authSecret]: token('auth-secret'),
          ...(args.openaiApiKey ? { [SECRET.keys.openaiApiKey]: args.openaiApiKey } : {}),
        },
      },
      parent,
    );
    // a random token in a Secret of its own, as the Dapr annotations reference it
    const tokenSecret = (id: string, secret: { name: string; key: string }) =>
      new k8s.core.v1.Secret(
        id,
        {
          metadata: { name: secret.name, namespace: args.namespace },
          type: 'Opaque',
          stringData: { [secret.key]: token(id) },
        },
        parent,
      );
    this.appToken = tokenSecret('app-token', APP_TOKEN_SECRET);
    this.daprApiToken = tokenSecret('dapr-api-token', DAPR_API_TOKEN_SECRET);
    this.registerOutputs({});
  }
}

// Reads the Dapr resource files (Component, Subscription, Resiliency, Configuration) the Dapr CLI would read.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

const MetadataItemSchema = z.object({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  secretKeyRef: z.object({ name: z.string(), key: z.string().optional() }).optional(),
});

const ComponentSchema = z.object({
  kind: z.literal('Component'),
  metadata: z.object({ name: z.string().min(1) }),
  spec: z.object({
    type: z.string().min(1),
    version: z.string().optional(),
    metadata: z.array(MetadataItemSchema).nullish(),
  }),
  auth: z.object({ secretStore: z.string() }).optional(),
  scopes: z.array(z.string()).optional(),
});
export type ComponentResource = z.infer<typeof ComponentSchema>;

const RuleSchema = z.object({ match: z.string().optional(), path: z.string() });
const SubscriptionSchema = z.object({
  kind: z.literal('Subscription'),
  apiVersion: z.string(),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    pubsubname: z.string(),
    topic: z.string(),
    route: z.string().optional(),
    routes: z.object({ rules: z.array(RuleSchema).optional(), default: z.string().optional() }).optional(),
    deadLetterTopic: z.string().optional(),
    bulkSubscribe: z
      .object({
        enabled: z.boolean().optional(),
        maxMessagesCount: z.number().int().optional(),
        maxAwaitDurationMs: z.number().int().optional(),
      })
      .optional(),
  }),
  scopes: z.array(z.string()).optional(),
});
export type SubscriptionResource = z.infer<typeof SubscriptionSchema>;

const PoliciesSchema = z.object({
  timeouts: z.record(z.string(), z.string()).optional(),
  retries: z
    .record(
      z.string(),
      z.object({
        policy: z.enum(['constant', 'exponential']),
        duration: z.string().optional(),
        maxInterval: z.string().optional(),
        maxRetries: z.number().int().optional(),
        matching: z.object({ httpStatusCodes: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  circuitBreakers: z
    .record(
      z.string(),
      z.object({
        maxRequests: z.number().int().optional(),
        interval: z.string().optional(),
        timeout: z.string().optional(),
        trip: z.string(),
      }),
    )
    .optional(),
});
const TargetSchema = z.object({
  timeout: z.string().optional(),
  retry: z.string().optional(),
  circuitBreaker: z.string().optional(),
});
const ResiliencySchema = z.object({
  kind: z.literal('Resiliency'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    policies: PoliciesSchema,
    targets: z.object({
      apps: z.record(z.string(), TargetSchema).optional(),
      components: z
        .record(z.string(), z.object({ outbound: TargetSchema.optional(), inbound: TargetSchema.optional() }))
        .optional(),
    }),
  }),
  scopes: z.array(z.string()).optional(),
});
export type ResiliencyResource = z.infer<typeof ResiliencySchema>;
export type ResiliencyTarget = z.infer<typeof TargetSchema>;

export interface Resources {
  components: ComponentResource[];
  subscriptions: SubscriptionResource[];
  resiliencies: ResiliencyResource[];
  /** Kinds read but not acted on (Configuration, HTTPEndpoint): listed in the metadata API. */
  ignored: { kind: string; name: string; file: string }[];
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return [];
      return /\.ya?ml$/.test(entry) ? [path] : [];
    });

/** Adds one Dapr resource document to `resources`, or throws saying what is wrong with it (and where). */
export function addResource(
  resources: Resources,
  value: { kind?: string; metadata?: { name?: string } },
  source: string,
): void {
  if (!value.kind) return;
  const parse = <T>(schema: z.ZodType<T>): T => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${source}: invalid ${value.kind} "${value.metadata?.name ?? '?'}": ${issues}`);
  };
  if (value.kind === 'Component') resources.components.push(parse(ComponentSchema));
  else if (value.kind === 'Subscription') resources.subscriptions.push(parse(SubscriptionSchema));
  else if (value.kind === 'Resiliency') resources.resiliencies.push(parse(ResiliencySchema));
  else resources.ignored.push({ kind: value.kind, name: value.metadata?.name ?? '', file: source });
}

export function readResources(dirs: string[]): Resources {
  const resources: Resources = { components: [], subscriptions: [], resiliencies: [], ignored: [] };
  for (const file of dirs.flatMap(yamlFiles)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      if (value) addResource(resources, value, file);
    }
  }
  const names = resources.components.map((c) => c.metadata.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`two components are named "${duplicate}"`);
  return resources;
}

/** A component is visible to an app when it has no scopes or lists the app. */
export const inScope = (scopes: string[] | undefined, appId: string) => !scopes?.length || scopes.includes(appId);

// An app's Dapr Configuration file (dapr.yaml's configFilePath): the stand-in applies its access control, as the
// callee's daprd does, and says which other settings it leaves aside.
import { readFileSync } from 'node:fs';
import type { AccessControlSpec } from '@todo/contracts';
import { parse } from 'yaml';
import { z } from 'zod';

const OperationSchema = z.object({
  name: z.string(),
  httpVerb: z.array(z.string()).optional(),
  action: z.string(),
});

const PolicySchema = z.object({
  appId: z.string().optional(),
  defaultAction: z.string().optional(),
  trustDomain: z.string().optional(),
  namespace: z.string().optional(),
  operations: z.array(OperationSchema).optional(),
});

const ConfigurationSchema = z.object({
  kind: z.literal('Configuration'),
  metadata: z.object({ name: z.string() }).optional(),
  spec: z
    .object({
      accessControl: z
        .object({
          defaultAction: z.string().optional(),
          trustDomain: z.string().optional(),
          policies: z.array(PolicySchema).optional(),
        })
        .optional(),
    })
    .passthrough()
    .optional(),
});

export interface Configuration {
  accessControl?: Partial<AccessControlSpec>;
  /** Settings of the file the stand-in does not apply (tracing, metrics...). */
  ignored: string[];
}

export function readConfiguration(file: string): Configuration {
  const parsed = ConfigurationSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file} is not a Dapr Configuration: ${issues}`);
  }
  const { accessControl, ...rest } = parsed.data.spec ?? {};
  return { accessControl: accessControl as Partial<AccessControlSpec> | undefined, ignored: Object.keys(rest) };
}

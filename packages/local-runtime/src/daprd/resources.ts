// The resources daprd loads: dapr.yaml's own folders as they are, unless the Kafka broker runs on another port
// than the one they name (a shifted system in the tests); then a copy with only the brokers value changed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

interface Metadata {
  name: string;
  value?: unknown;
}
interface Resource {
  kind?: string;
  spec?: { type?: string; metadata?: Metadata[] };
}

/** True when some pubsub.kafka component names brokers other than `brokers`. */
function namesOtherBrokers(resource: Resource, brokers: string): boolean {
  if (resource.kind !== 'Component' || resource.spec?.type !== 'pubsub.kafka') return false;
  const value = resource.spec.metadata?.find((m) => m.name === 'brokers')?.value;
  return typeof value === 'string' && value !== brokers;
}

export function daprdResources(resourcesPaths: string[], brokers: string, copyDir: string): string[] {
  const files = resourcesPaths.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f)),
  );
  const documents = files.map((file) => ({
    file,
    docs: parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Resource),
  }));
  const sameBrokers = [`localhost:${brokers.split(':')[1]}`, brokers];
  if (!documents.some(({ docs }) => docs.some((d) => sameBrokers.every((b) => namesOtherBrokers(d, b))))) {
    return resourcesPaths;
  }
  rmSync(copyDir, { recursive: true, force: true });
  mkdirSync(copyDir, { recursive: true });
  documents.forEach(({ file, docs }, index) => {
    for (const doc of docs) {
      if (!sameBrokers.every((b) => namesOtherBrokers(doc, b))) continue;
      for (const m of doc.spec?.metadata ?? []) if (m.name === 'brokers') m.value = brokers;
    }
    const name = `${index}-${file.split('/').at(-1)}`;
    writeFileSync(join(copyDir, name), docs.map((d) => stringify(d)).join('---\n'));
  });
  return [copyDir];
}

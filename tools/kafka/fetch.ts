// `node --import tsx tools/kafka/fetch.ts`: the broker's jars from Maven Central into .dapr-bin/kafka/lib, by mvn.
// A stamp with the pom's hash makes a second run with nothing changed return at once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POM = join(__dirname, 'pom.xml');
export const KAFKA_HOME = join(__dirname, '..', '..', '.dapr-bin', 'kafka');
export const KAFKA_LIB = join(KAFKA_HOME, 'lib');
const STAMP = join(KAFKA_LIB, '.pom-sha256');

const pomHash = (): string => createHash('sha256').update(readFileSync(POM)).digest('hex');

/** True when the jars in KAFKA_LIB were fetched for the pom as it is now. */
export function kafkaJarsPresent(lib = KAFKA_LIB): boolean {
  return existsSync(join(lib, '.pom-sha256')) && readFileSync(join(lib, '.pom-sha256'), 'utf8').trim() === pomHash();
}

function requireTool(command: string, args: string[], hint: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`\`${command}\` is not usable (${probe.error?.message ?? `exit ${probe.status}`}): ${hint}`);
  }
}

export function fetchKafkaJars(): { skipped: boolean; ms: number; bytes: number; jars: number } {
  const started = Date.now();
  const hash = pomHash();
  const skipped = kafkaJarsPresent();
  if (!skipped) {
    requireTool(
      'java',
      ['-version'],
      'install a JDK 17+ (the broker and its tools run on it), e.g. apt-get install openjdk-17-jdk',
    );
    requireTool(
      'mvn',
      ['-v'],
      'install Maven 3.8+ (it fetches the broker jars from Maven Central), e.g. apt-get install maven',
    );
    // a changed pom must not leave jars of another version on the classpath
    rmSync(KAFKA_LIB, { recursive: true, force: true });
    const args = [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${KAFKA_LIB}`,
    ];
    const mvn = spawnSync('mvn', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (mvn.error || mvn.status !== 0) {
      const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.trim();
      throw new Error(`mvn ${args.join(' ')} failed (${mvn.error?.message ?? `exit ${mvn.status}`})\n${output}`);
    }
    writeFileSync(STAMP, `${hash}\n`);
  }
  const jars = readdirSync(KAFKA_LIB).filter((f) => f.endsWith('.jar'));
  const bytes = jars.reduce((sum, f) => sum + statSync(join(KAFKA_LIB, f)).size, 0);
  return { skipped, ms: Date.now() - started, bytes, jars: jars.length };
}

if (require.main === module) {
  try {
    const r = fetchKafkaJars();
    const mb = (r.bytes / 1024 / 1024).toFixed(1);
    const how = r.skipped ? 'already fetched for this pom' : 'fetched';
    console.log(`kafka jars ${how}: ${r.jars} jars, ${mb} MiB in ${KAFKA_LIB} (${(r.ms / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.error(`kafka jars: ${(err as Error).message}`);
    process.exit(1);
  }
}

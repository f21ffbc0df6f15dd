// One of Kafka's own command-line tools (from the jars), quietly: its standard output, or an error with its last words.
import { spawn } from 'node:child_process';
import { TOOL_OPTS } from './broker';
import { KAFKA_LIB } from './fetch';

export function runKafkaTool(mainClass: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [...TOOL_OPTS, '-cp', `${KAFKA_LIB}/*`, mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${mainClass} failed (exit ${code}): ${err.slice(-2000)}`)),
    );
  });
}

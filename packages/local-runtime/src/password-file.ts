// The embedded database's password: made once per data folder, readable by its owner only (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

export function readOrCreatePassword(path: string): string {
  try {
    // 'wx': two starts racing on a new folder cannot end up with two passwords
    const password = randomBytes(24).toString('base64url');
    writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  const password = readFileSync(path, 'utf8').trim();
  if (!password) throw new Error(`${path} is empty: delete it to make a new password (the data stays)`);
  return password;
}

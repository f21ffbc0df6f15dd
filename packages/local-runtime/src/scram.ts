// The server side of SCRAM-SHA-256 (RFC 5802/7677), Postgres's default password method: the password never crosses
// the socket, and a client that dialled an impostor on the port gives it nothing to replay.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 4096;
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/** The keys for one password, derived once (PBKDF2 costs milliseconds, not something to do per connection). */
export class ScramVerifier {
  private readonly salt = randomBytes(16);
  private readonly storedKey: Buffer;
  private readonly serverKey: Buffer;

  constructor(password: string) {
    const salted = pbkdf2Sync(password.normalize('NFKC'), this.salt, ITERATIONS, 32, 'sha256');
    this.storedKey = sha256(hmac(salted, 'Client Key'));
    this.serverKey = hmac(salted, 'Server Key');
  }

  /** One exchange: `first` answers the client-first-message, `final` checks the proof (undefined when wrong). */
  exchange() {
    let clientFirstBare = '';
    let serverFirst = '';
    let nonce = '';
    return {
      first: (clientFirst: string): string => {
        // gs2 header "n,," or "y,,": no channel binding (the embedded server has no TLS to bind to)
        const match = clientFirst.match(/^[ny],[^,]*,(n=[^,]*,r=([^,]+).*)$/);
        if (!match) throw new Error('malformed SCRAM client-first-message');
        clientFirstBare = match[1] as string;
        nonce = `${match[2]}${randomBytes(18).toString('base64')}`;
        serverFirst = `r=${nonce},s=${this.salt.toString('base64')},i=${ITERATIONS}`;
        return serverFirst;
      },
      final: (clientFinal: string): string | undefined => {
        const match = clientFinal.match(/^(c=[^,]+,r=([^,]+)),p=([^,]+)$/);
        if (!match || match[2] !== nonce) return undefined;
        const authMessage = `${clientFirstBare},${serverFirst},${match[1]}`;
        const proof = Buffer.from(match[3] as string, 'base64');
        const signature = hmac(this.storedKey, authMessage);
        if (proof.length !== signature.length) return undefined;
        const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] as number)));
        if (!timingSafeEqual(sha256(clientKey), this.storedKey)) return undefined;
        return `v=${hmac(this.serverKey, authMessage).toString('base64')}`;
      },
    };
  }
}

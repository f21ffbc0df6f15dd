// daprd's bulk publish request (POST /v1.0-alpha1/publish/bulk/<pubsub>/<topic>): a JSON array of entries, each turned
// into the bytes a single publish would carry (pkg/api/http ConvertEventToBytes), checked as daprd checks them.
import { DaprApiError } from '../errors';

export interface BulkEntry {
  entryId: string;
  contentType: string;
  rawBody: string;
  metadata: Record<string, string>;
}

const isBinary = (type: string) => /^application\/octet-stream/i.test(type);
const isString = (type: string) => /^text\//i.test(type) || /^application\/(.+\+)?xml/i.test(type);
const isJson = (type: string) => /^application\/(.+\+)?json/i.test(type);

function bytesOf(event: unknown, contentType: string, where: string): string {
  const mismatch = () =>
    new DaprApiError(
      400,
      'ERR_PUBSUB_EVENTS_SER',
      `error when marshalling cloud event envelope for ${where}: error: mismatch between contentType and event`,
    );
  if (isBinary(contentType)) {
    if (typeof event !== 'string') throw mismatch();
    return Buffer.from(event, 'base64').toString('utf8');
  }
  if (isString(contentType)) {
    if (typeof event !== 'string') throw mismatch();
    return event;
  }
  if (isJson(contentType)) return JSON.stringify(event ?? null);
  throw mismatch();
}

/** The entries of a bulk request body, or daprd's 400 ERR_PUBSUB_EVENTS_SER for a body or entry it refuses. */
export function bulkEntries(body: string, pubsub: string, topic: string): BulkEntry[] {
  const where = `topic ${topic} pubsub ${pubsub}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new DaprApiError(
      400,
      'ERR_PUBSUB_EVENTS_SER',
      `error when unmarshaling the request for ${where}: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(parsed) || parsed.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) {
    throw new DaprApiError(
      400,
      'ERR_PUBSUB_EVENTS_SER',
      `error when unmarshaling the request for ${where}: the body is not a JSON array of entries`,
    );
  }
  const seen = new Set<string>();
  return parsed.map((raw: Record<string, unknown>) => {
    const contentType = typeof raw.contentType === 'string' ? raw.contentType : '';
    const rawBody = bytesOf(raw.event, contentType, where);
    const entryId = typeof raw.entryId === 'string' ? raw.entryId : '';
    if (!entryId || seen.has(entryId)) {
      throw new DaprApiError(
        400,
        'ERR_PUBSUB_EVENTS_SER',
        `error marshaling events to bytes for ${where}. error: entryId is duplicated or not present for entry`,
      );
    }
    seen.add(entryId);
    const metadata: Record<string, string> = {};
    if (raw.metadata && typeof raw.metadata === 'object') {
      for (const [key, value] of Object.entries(raw.metadata)) metadata[key] = String(value);
    }
    return { entryId, contentType, rawBody, metadata };
  });
}

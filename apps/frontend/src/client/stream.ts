// The live feed (server-sent events over fetch, so the bearer token goes in a header), resumed with Last-Event-ID.
// Its end with a session-ended event (or a 401 on reconnecting) means the sign-in ended: no reconnecting then.
import { STREAM_PATH } from '@todo/contracts/src/routes';
import { STREAM_EVENTS } from '@todo/contracts/src/stream';
import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';
import { session } from './api';

/** The events in a body of server-sent events, parsed as the spec says (multi-line data, CRLF, any chunking). */
export const serverSentEvents = (body: ReadableStream<Uint8Array<ArrayBuffer>>): ReadableStream<EventSourceMessage> =>
  body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());

export type FeedHandler = (event: string, data: unknown) => void;

export function openFeed(
  onEvent: FeedHandler,
  onState: (live: boolean) => void,
  onSessionEnded: () => void,
): () => void {
  let lastId: string | undefined;
  let stopped = false;
  let controller: AbortController | undefined;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${session.token ?? ''}` };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch(STREAM_PATH, { headers, signal: controller.signal });
        if (res.status === 401) {
          stopped = true;
          onState(false);
          onSessionEnded();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        onState(true);
        const reader = serverSentEvents(res.body).getReader();
        for (;;) {
          const { value: message, done } = await reader.read();
          if (done) break;
          if (message.id) lastId = message.id;
          if (message.event === STREAM_EVENTS.sessionEnded) {
            stopped = true;
            onState(false);
            onSessionEnded();
            return;
          }
          if (message.data) onEvent(message.event ?? 'message', JSON.parse(message.data));
        }
      } catch {
        // dropped: try again below
      }
      onState(false);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  void connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

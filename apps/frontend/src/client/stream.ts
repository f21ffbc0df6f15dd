// The live feed (server-sent events over fetch, so the bearer token goes in a header), resumed with Last-Event-ID.
// Its end with a session-ended event (or a 401 on reconnecting) means the sign-in ended: no reconnecting then.
import { SESSION_ENDED_STREAM_EVENT } from '@todo/contracts/src/sessions';
import { session } from './api';

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
        const res = await fetch('/api/stream', { headers, signal: controller.signal });
        if (res.status === 401) {
          stopped = true;
          onState(false);
          onSessionEnded();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        onState(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            let data = '';
            let id: string | undefined;
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
              else if (line.startsWith('id:')) id = line.slice(3).trim();
            }
            if (id) lastId = id;
            if (event === SESSION_ENDED_STREAM_EVENT) {
              stopped = true;
              onState(false);
              onSessionEnded();
              return;
            }
            if (data) onEvent(event, JSON.parse(data));
          }
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

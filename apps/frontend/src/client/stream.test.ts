// The live feed's parsing: what the spec allows on the wire (multi-line data, CRLF, any chunking) arrives whole.
import { STREAM_EVENTS } from '@todo/contracts';
import type { EventSourceMessage } from 'eventsource-parser';
import { openFeed, serverSentEvents } from './stream';

// a heartbeat comment, an event whose data spans lines (pretty-printed JSON, a non-ASCII title), then the end
const LINES = [
  ': keep-alive',
  'id: 7',
  'event: task.updated',
  'data: {',
  'data:   "id": "t1",',
  'data:   "title": "Café ☕"',
  'data: }',
  '',
  'event: ready',
  'data: {"user_id":"u1"}',
  '',
  `event: ${STREAM_EVENTS.sessionEnded}`,
  'data: {"code":"SIGNED_OUT"}',
  '',
  '',
];
const EXPECTED: EventSourceMessage[] = [
  { id: '7', event: 'task.updated', data: '{\n  "id": "t1",\n  "title": "Café ☕"\n}' },
  { id: undefined, event: 'ready', data: '{"user_id":"u1"}' },
  { id: undefined, event: STREAM_EVENTS.sessionEnded, data: '{"code":"SIGNED_OUT"}' },
];
const wire = (newline: string) => new TextEncoder().encode(LINES.join(newline));

const streamOf = (chunks: Uint8Array<ArrayBuffer>[]) =>
  new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

async function parse(chunks: Uint8Array<ArrayBuffer>[]): Promise<EventSourceMessage[]> {
  const reader = serverSentEvents(streamOf(chunks)).getReader();
  const messages: EventSourceMessage[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return messages;
    messages.push(value);
  }
}

/** The bytes cut every `size` bytes. */
const cut = (bytes: Uint8Array<ArrayBuffer>, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

it.each([
  ['LF', '\n'],
  ['CRLF', '\r\n'],
])('parses %s line endings, joining multi-line data with newlines', async (_name, newline) => {
  expect(await parse([wire(newline)])).toEqual(EXPECTED);
});

it('parses a stream cut at any byte the same as whole: inside a CRLF, a field, a multi-byte character', async () => {
  const bytes = wire('\r\n');
  for (let at = 1; at < bytes.length; at += 1) {
    expect(await parse([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(EXPECTED);
  }
  for (let size = 1; size <= 16; size += 1) expect(await parse(cut(bytes, size))).toEqual(EXPECTED);
});

describe('openFeed', () => {
  const requests: Headers[] = [];
  let answers: (() => Response)[] = [];
  beforeEach(() => {
    requests.length = 0;
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      value: { getItem: () => 'token-1' },
    });
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      requests.push(new Headers(init?.headers));
      const answer = answers.shift();
      if (!answer) throw new Error('no more answers');
      return answer();
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  const feed = () => {
    const events: [string, unknown][] = [];
    const states: boolean[] = [];
    const ended = new Promise<void>((resolve) => {
      openFeed(
        (event, data) => events.push([event, data]),
        (live) => states.push(live),
        resolve,
      );
    });
    return { events, states, ended };
  };

  it('hands over the JSON of each event from a CRLF stream a byte at a time, and stops at session-ended', async () => {
    answers = [() => new Response(streamOf(cut(wire('\r\n'), 1)))];
    const { events, states, ended } = feed();
    await ended;
    expect(events).toEqual([
      ['task.updated', { id: 't1', title: 'Café ☕' }],
      ['ready', { user_id: 'u1' }],
    ]);
    expect(states).toEqual([true, false]);
    expect(requests[0]?.get('authorization')).toBe('Bearer token-1');
  });

  it('reconnects after a dropped stream with the last event id it saw', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const [first, rest] = [LINES.slice(0, 11).join('\r\n'), LINES.slice(11).join('\r\n')];
    answers = [() => new Response(first), () => new Response(rest)];
    const { states, ended } = feed();
    while (states.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(states).toEqual([true, false]);
    await jest.advanceTimersByTimeAsync(2_000);
    await ended;
    expect(requests.map((headers) => headers.get('last-event-id'))).toEqual([null, '7']);
  });
});

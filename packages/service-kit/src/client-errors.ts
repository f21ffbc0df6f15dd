// Requests Node's HTTP parser refuses before the app sees them (headers over 16 KB, malformed HTTP): answered with
// the same JSON error body as everything else, instead of Node's bare status line.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { apiErrorBody } from '@todo/contracts';

const REFUSALS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'HEADERS_TOO_LARGE',
    'the request line and headers are larger than the server accepts (16 KB); send long values in the body',
  ],
  HPE_URI_TOO_LONG: [414, 'URI Too Long', 'URI_TOO_LONG', 'the URL is longer than the server accepts'],
};

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text, code, message] = REFUSALS[error.code ?? ''] ?? [
      400,
      'Bad Request',
      'BAD_REQUEST',
      'the request is not valid HTTP',
    ];
    const body = JSON.stringify(apiErrorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

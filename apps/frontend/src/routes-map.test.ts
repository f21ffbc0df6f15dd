import { upstreamFor } from './routes-map';

it('sends notifications, the stream and the audit log to notification-service, the rest of /api to the backend', () => {
  expect(upstreamFor('/api/stream')).toBe('notification-service');
  expect(upstreamFor('/api/notifications/abc/read')).toBe('notification-service');
  expect(upstreamFor('/api/audit')).toBe('notification-service');
  expect(upstreamFor('/api/tasks/1/complete')).toBe('backend');
  expect(upstreamFor('/api/chat')).toBe('backend');
  expect(upstreamFor('/api/streams')).toBe('backend');
  expect(upstreamFor('/mcp')).toBeUndefined();
});

it('forwards no path that could resolve outside /api: dot segments, encoded slashes, dots and backslashes', () => {
  for (const path of [
    '/api/../job/reminder-1',
    '/api/tasks/../../internal/next-occurrence',
    '/api/./tasks',
    '/api/%2e%2e/job/x',
    '/api/%2E%2E/job/x',
    '/api/..%2fjob%2fx',
    '/api/..%5cjob',
    '/api/..\\job',
  ]) {
    expect(upstreamFor(path)).toBeUndefined();
  }
  expect(upstreamFor('/api/tasks/0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10')).toBe('backend');
  expect(upstreamFor('/api/tasks...')).toBe('backend');
});

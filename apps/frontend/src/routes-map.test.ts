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

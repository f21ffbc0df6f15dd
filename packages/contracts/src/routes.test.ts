import { TOPICS } from './names';
import { COMPLETE_TASK_PATH, CONVERSATION_PATH, matchBrowserRoute, pathFor, READ_NOTIFICATION_PATH } from './routes';
import { subscriptionRoute } from './subscriptions';

const match = (method: string, path: string) => matchBrowserRoute(method, path, path);

it('sends notifications, the stream and the audit log to notification-service, the rest of the API to the backend', () => {
  expect(match('GET', '/api/stream')?.app).toBe('notification-service');
  expect(match('POST', '/api/notifications/abc/read')?.app).toBe('notification-service');
  expect(match('GET', '/api/audit')?.app).toBe('notification-service');
  expect(match('POST', '/api/tasks/0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10/complete')).toMatchObject({
    app: 'backend',
    path: '/api/tasks/0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10/complete',
  });
  expect(match('post', '/api/chat')?.app).toBe('backend');
});

it('forwards only the listed method and path pairs', () => {
  expect(match('GET', '/api/streams')).toBeUndefined();
  expect(match('DELETE', '/api/stream')).toBeUndefined();
  expect(match('PUT', '/api/tasks/abc')).toBeUndefined();
  expect(match('POST', '/api/tasks/abc/archive')).toBeUndefined();
  expect(match('GET', '/mcp')).toBeUndefined();
  expect(match('POST', '/job/reminder-1')).toBeUndefined();
  expect(match('POST', '/internal/next-occurrence')).toBeUndefined();
  for (const topic of Object.values(TOPICS)) expect(match('POST', subscriptionRoute(topic))).toBeUndefined();
  expect(match('POST', '/api/tasks/')).toBeUndefined();
  expect(match('GET', '/api//tasks')).toBeUndefined();
});

it('refuses dot segments, encodings, backslashes and control characters, raw or decoded', () => {
  const attacks = [
    '/api/../job/reminder-1',
    '/api/tasks/../../internal/next-occurrence',
    '/api/./tasks',
    '/api/%2e%2e/job/x',
    '/api/..%2fjob%2fx',
    '/api/..%5cjob',
    '/api/..\\job',
    '/api/.%09./job/reminder-1',
    `/api/notifications/.%09./.%09.${subscriptionRoute(TOPICS.reminders)}`,
    '/api/.%0a./.%0d./v1.0/metadata',
    '/api/.%00./job/x',
    '/api/tasks/%252e%252e',
    '/api/tasks/a%2fb/complete',
    '/api/tasks/\t/complete',
    '/api/tasks/a\u0000b',
    '/api/tasks/é',
  ];
  for (const path of attacks) {
    expect(match('POST', path)).toBeUndefined();
    expect(match('GET', path)).toBeUndefined();
  }
  // the decoded form is checked too: a raw path the framework decodes into something else is refused
  expect(matchBrowserRoute('GET', '/api/tasks/abc', '/api/tasks/a\tbc')).toBeUndefined();
});

it("fills a route's parameters, percent-encoded, so the browser calls the path an app serves", () => {
  expect(pathFor(COMPLETE_TASK_PATH, { id: '0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10' })).toBe(
    '/api/tasks/0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10/complete',
  );
  expect(pathFor(CONVERSATION_PATH, { id: 'a/b?c' })).toBe('/api/chat/a%2Fb%3Fc');
  expect(match('POST', pathFor(READ_NOTIFICATION_PATH, { id: 'abc' }))?.route.path).toBe(READ_NOTIFICATION_PATH);
});

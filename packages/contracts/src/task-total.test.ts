// A page's count in words: exact below the cap, "1,000+" past it.
import { TASK_TOTAL_CAP, totalText } from './task-total';

it.each([
  [0, true, '0'],
  [1, true, '1'],
  [999, true, '999'],
  [TASK_TOTAL_CAP, true, '1,000'],
  [TASK_TOTAL_CAP, false, '1,000+'],
])('%i (exact: %s) reads "%s"', (total, total_exact, text) => {
  expect(totalText({ total, total_exact })).toBe(text);
});

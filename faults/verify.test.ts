// The fault suite's counting must be able to fail: a missing, an extra and a doubled effect each show.
import { compare, percentile } from './verify';

it('counts nothing wrong when every expected effect is there once', () => {
  expect(compare('x', ['a', 'b'], ['b', 'a'])).toMatchObject({
    expected: 2,
    found: 2,
    missing: 0,
    extra: 0,
    duplicated: 0,
  });
});

it('counts a missing effect, an effect nobody caused, and a doubled one', () => {
  expect(compare('x', ['a', 'b', 'c'], ['a', 'b'])).toMatchObject({ missing: 1, duplicated: 0 });
  expect(compare('x', ['a'], ['a', 'z'])).toMatchObject({ missing: 0, extra: 1, duplicated: 0 });
  expect(compare('x', ['a', 'b'], ['a', 'b', 'b', 'b'])).toMatchObject({ missing: 0, duplicated: 2 });
});

it('reads percentiles from unsorted values', () => {
  expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
  expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
  expect(percentile([], 50)).toBeNaN();
});

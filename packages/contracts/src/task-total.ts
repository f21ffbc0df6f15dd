// How many tasks a list or search matches: counted up to a cap, so that a user with 100 k tasks gets a page as fast
// as a user with 100 (the count is what grew with a user's tasks; the page itself is read in index order). Zod-free:
// the browser bundle imports it.

/** A page counts its matches up to this many; past it, `total` is the cap and `total_exact` is false. */
export const TASK_TOTAL_CAP = 1000;

/** How many a page says match: exact up to the cap, the cap itself past it. */
export type PageTotal = { total: number; total_exact: boolean };

/** A page's total from a count that stopped one past the cap (`limit TASK_TOTAL_CAP + 1`). */
export const pageTotal = (counted: number): PageTotal => ({
  total: Math.min(counted, TASK_TOTAL_CAP),
  total_exact: counted <= TASK_TOTAL_CAP,
});

/** A page's count as a person reads it: "12", or "1,000+" when there are more than the cap. */
export function totalText(page: PageTotal): string {
  const n = page.total.toLocaleString('en');
  return page.total_exact ? n : `${n}+`;
}

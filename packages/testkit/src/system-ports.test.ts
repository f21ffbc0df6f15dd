// A claimed offset never puts a system on a port fetch() and Chromium refuse (6000 is X11's), however free it is.
import { claimPortOffset } from './system-ports';

it('skips an offset whose ports include a port fetch() refuses to connect to', async () => {
  await expect(claimPortOffset(() => [6000])).rejects.toThrow(/no port offset/);
  const claim = await claimPortOffset((offset) => [offset + 5_900]);
  expect(claim.offset).not.toBe(100);
  claim.release();
});

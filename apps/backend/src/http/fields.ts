// Input fields shared by several routes.
import { z } from '@hono/zod-openapi';

export const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone such as Europe/Berlin' },
);

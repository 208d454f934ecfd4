import { createLogger } from '../../../src/shared/index.ts';

/** A logger that writes nothing (set LOG_LEVEL=debug to see the lines). */
export const quietLogger = createLogger({
  level: process.env.LOG_LEVEL ?? 'silent',
});

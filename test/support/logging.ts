import { createLogger, type Logger } from '../../lib/logger.js';

/** For the tests whose subject is not what gets logged. */
export const silentLogger: Logger = createLogger('silent');

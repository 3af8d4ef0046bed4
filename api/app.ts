import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireToken } from './auth.js';
import { answerEveryFailure, failureAnswer } from './common/failures.js';
import { wellFormedText } from './common/input.js';
import { NOT_FOUND } from './common/responses.js';
import { validationHook } from './common/validation.js';
import { consoleRoutes } from './console/index.js';
import type { AppDeps } from './deps.js';
import { deviceRoutes } from './devices/index.js';
import { healthRoutes } from './health/index.js';
import { metricsRoutes } from './metrics/index.js';
import { processedAttendanceRoutes } from './processed-attendance/index.js';
import { pushDeviceRoutes } from './push-devices/index.js';
import { rawAttendanceRoutes } from './raw-attendance/index.js';
import { scheduleRoutes } from './schedules/index.js';

export type { AppDeps } from './deps.js';

/** The HTTP API, without a server: `runtime/bridge.ts` serves it, tests call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.use('*', answerEveryFailure(deps.logger));
  const maxSize = deps.config.API_MAX_BODY_BYTES;
  app.use(
    '/api/*',
    bodyLimit({
      maxSize,
      onError: (c) =>
        c.json({ error: `Request body larger than ${maxSize} bytes (API_MAX_BODY_BYTES)` }, 413),
    }),
  );
  app.use('/api/*', requireToken(deps.verifyToken));
  app.use('/api/*', wellFormedText);
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  // Before the device CRUD: unregistered/ and adopt/ must win over {id}.
  app.route('/', pushDeviceRoutes(deps));
  app.route('/', deviceRoutes(deps));
  app.route('/', rawAttendanceRoutes(deps));
  app.route('/', processedAttendanceRoutes(deps));
  app.route('/', scheduleRoutes(deps));
  app.route('/', consoleRoutes(deps));

  app.doc31('/api/schema/', {
    openapi: '3.1.0',
    info: { title: 'Attendance bridge API', version: deps.version },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'Token', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: '`Token <key>` or `Bearer <key>`',
  });

  app.notFound((c) => {
    // The original (Django) sent a read of /api/devices on to /api/devices/; scripts may rely on it.
    const url = new URL(c.req.url);
    if (
      ['GET', 'HEAD'].includes(c.req.method) &&
      url.pathname.startsWith('/api/') &&
      !url.pathname.endsWith('/')
    ) {
      url.pathname += '/';
      return c.redirect(`${url.pathname}${url.search}`, 301);
    }
    return c.json(NOT_FOUND, 404);
  });
  app.onError((error, c) => failureAnswer(c, error, deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;

import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireToken } from './auth.js';
import type { AppDeps } from './deps.js';
import { healthRoutes } from './health/index.js';

export type { AppDeps } from './deps.js';

const MAX_BODY_BYTES = 64 * 1024;

/** The HTTP API, without a server: `serve()` lives in the CLI, tests call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const message = result.error.issues
          .map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`)
          .join('; ');
        return c.json({ error: message }, 400);
      }
    },
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `Request body larger than ${MAX_BODY_BYTES} bytes` }, 413),
    }),
  );
  app.use('/api/*', requireToken(deps.verifyToken));
  app.route('/', healthRoutes(deps));

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

  app.notFound((c) => c.json({ detail: 'Not found.' }, 404));
  app.onError((error, c) => {
    deps.logger.error({ msg: 'unhandled API error', path: c.req.path, error: error.message });
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

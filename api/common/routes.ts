import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { emptyJsonBodyAsEmptyObject } from './input.js';
import { DetailBody, ErrorBody, jsonResponse, WorkflowRunningBody } from './schemas.js';

/** Every route behind the token can answer these. */
const protectedErrors = {
  400: jsonResponse(ErrorBody, 'Invalid input'),
  401: jsonResponse(DetailBody, 'No token, or a wrong one'),
  503: jsonResponse(ErrorBody, 'PostgreSQL or Temporal is not reachable; the error says which'),
};

const notFoundAnswer = { 404: jsonResponse(DetailBody, 'No such object') };

/** A trigger waits for its workflow up to `?wait=`; it may still run, or have failed. */
const triggerAnswers = {
  202: jsonResponse(WorkflowRunningBody, 'Not finished within the wait; it goes on'),
  502: jsonResponse(ErrorBody, 'The workflow failed'),
};

const security = [{ Token: [] }];

type ProtectedRouteConfig = Omit<RouteConfig, 'tags' | 'security'> & {
  /** An id that may name nothing, or a page past the last: 404 with the original's body. */
  notFound?: true;
  /** Starts a workflow and waits for it: 202 while it runs, 502 when it failed. */
  trigger?: true;
};

type CommonAnswers<R extends ProtectedRouteConfig> = typeof protectedErrors &
  (R['notFound'] extends true ? typeof notFoundAnswer : unknown) &
  (R['trigger'] extends true ? typeof triggerAnswers : unknown);

/** The route's own answers win over the common ones, in the types as in the document. */
type Answers<R extends ProtectedRouteConfig> = Omit<CommonAnswers<R>, keyof R['responses']> & R['responses'];

type ProtectedRoute<R extends ProtectedRouteConfig> = Omit<R, 'notFound' | 'trigger' | 'responses'> & {
  tags: string[];
  security: typeof security;
  responses: Answers<R>;
};

/**
 * The routes of one feature behind the token: each gets the feature's tag, the token security
 * scheme and the error answers the app gives on every route, so a route states only its own.
 * A route's own answer for a status wins over the common one. A route whose body is optional
 * takes an empty JSON body as `{}`.
 */
export function protectedRoutes(tag: string) {
  return <P extends string, R extends ProtectedRouteConfig & { path: P }>({
    notFound,
    trigger,
    responses,
    ...route
  }: R) =>
    createRoute({
      ...route,
      ...(route.request?.body && route.request.body.required !== true
        ? { middleware: [emptyJsonBodyAsEmptyObject] }
        : {}),
      tags: [tag],
      security,
      responses: {
        ...protectedErrors,
        ...(notFound ? notFoundAnswer : {}),
        ...(trigger ? triggerAnswers : {}),
        ...responses,
      },
    } as unknown as ProtectedRoute<R> & { path: P });
}

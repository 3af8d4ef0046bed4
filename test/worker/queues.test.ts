import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { ActivityDeps } from '../../activities/index.js';
import type { Sql } from '../../lib/db/connection.js';
import { createLogger } from '../../lib/logger.js';
import { queueWorkers } from '../../worker/workers.js';
import { testConfig } from '../support/temporal.js';

const workflowsDir = fileURLToPath(new URL('../../workflows/', import.meta.url));
const config = testConfig();

// The queue each proxy helper schedules on, as the workflows' inputs fill it in.
const helperQueues = {
  mainQueueActivities: config.TEMPORAL_TASK_QUEUE,
  deviceQueueActivities: config.DEVICE_TASK_QUEUE,
  crmQueueActivities: config.CRM_TASK_QUEUE,
  // Local activities run in the workflow worker, on the main queue.
  crmLocalActivities: config.TEMPORAL_TASK_QUEUE,
  mainLocalActivities: config.TEMPORAL_TASK_QUEUE,
} as const;
type Helper = keyof typeof helperQueues;

interface ProxiedActivity {
  file: string;
  helper: Helper;
  activity: string;
}

/** Every activity a workflow calls through a queue proxy: `const p = helper(...)`, then `p.name` or `{ name }`. */
function proxiedActivities(file: string, source: ts.SourceFile): ProxiedActivity[] {
  const found: ProxiedActivity[] = [];
  const proxies = new Map<string, Helper>();
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text in helperQueues
    ) {
      const helper = node.initializer.expression.text as Helper;
      if (ts.isIdentifier(node.name)) proxies.set(node.name.text, helper);
      else if (ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements) {
          const name = element.propertyName ?? element.name;
          if (ts.isIdentifier(name)) found.push({ file, helper, activity: name.text });
        }
      }
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      proxies.has(node.expression.text)
    ) {
      found.push({ file, helper: proxies.get(node.expression.text)!, activity: node.name.text });
    }
    ts.forEachChild(node, visit);
  };
  // Declarations come before their uses in these files, so one pass sees every proxy first.
  visit(source);
  return found;
}

function workflowSources(): { file: string; text: string; source: ts.SourceFile }[] {
  return readdirSync(workflowsDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => {
      const text = readFileSync(path.join(workflowsDir, file), 'utf8');
      return { file, text, source: ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true) };
    });
}

const deps: ActivityDeps = {
  // Creating the activities touches none of these; only running them would.
  sql: {} as Sql,
  config,
  logger: createLogger('silent'),
  connectDevice: async () => {
    throw new Error('no device in this test');
  },
  crm: null,
  now: () => new Date(),
};

test('every activity a workflow proxies on a queue is registered on that queue', () => {
  const registered = new Map(queueWorkers(config, deps).map((q) => [q.taskQueue, Object.keys(q.activities)]));
  const proxied = workflowSources().flatMap(({ file, source }) => proxiedActivities(file, source));
  // The scan itself works: each queue is used, and the poll's bookkeeping is seen.
  expect(new Set(proxied.map((p) => p.helper))).toEqual(new Set(Object.keys(helperQueues)));
  expect(proxied).toContainEqual({
    file: 'pollDevices.ts',
    helper: 'mainQueueActivities',
    activity: 'recordPollFailure',
  });

  const missing = proxied.filter((p) => !registered.get(helperQueues[p.helper])?.includes(p.activity));
  expect(missing).toEqual([]);
});

test('each queue registers only what its workflows proxy there, and workflows run on the main queue only', () => {
  const proxied = workflowSources().flatMap(({ file, source }) => proxiedActivities(file, source));
  for (const queue of queueWorkers(config, deps)) {
    const used = new Set(
      proxied.filter((p) => helperQueues[p.helper] === queue.taskQueue).map((p) => p.activity),
    );
    expect({
      queue: queue.taskQueue,
      unused: Object.keys(queue.activities).filter((a) => !used.has(a)),
    }).toEqual({
      queue: queue.taskQueue,
      unused: [],
    });
    expect({ queue: queue.taskQueue, workflows: queue.runsWorkflows }).toEqual({
      queue: queue.taskQueue,
      workflows: queue.taskQueue === config.TEMPORAL_TASK_QUEUE,
    });
  }
});

test('workflows reach activities only through the queue proxies', () => {
  const direct = workflowSources()
    .filter(({ file, text }) => file !== 'queues.ts' && /\bproxyActivities\b/.test(text))
    .map(({ file }) => file);
  expect(direct).toEqual([]);
});

import type { Client } from '@temporalio/client';
import { API_TOKEN, COMM_KEY, CRM_TOKEN } from './bridge.js';

export const SECRETS = { 'API token': API_TOKEN, 'CRM token': CRM_TOKEN, 'comm key': String(COMM_KEY) };

/**
 * Where a secret shows up: in the given texts (logs, API answers) or in the history of any workflow
 * on the server, read back through the client. Returns "<secret> in <where>" for each finding.
 */
export async function secretsFound(options: {
  client: Client;
  texts: Record<string, string>;
}): Promise<string[]> {
  const found: string[] = [];
  const look = (where: string, text: string) => {
    for (const [name, value] of Object.entries(SECRETS)) {
      // Whole words only: a comm key's digits may occur inside a timestamp.
      if (new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`).test(text)) found.push(`${name} in ${where}`);
    }
  };
  for (const [where, text] of Object.entries(options.texts)) look(where, text);
  for await (const execution of options.client.workflow.list()) {
    const history = await options.client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .fetchHistory();
    // Payloads are bytes: read them as the text they encode.
    const text = JSON.stringify(history, (_key, value) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
    );
    look(`the history of ${execution.workflowId}`, text);
  }
  return found;
}

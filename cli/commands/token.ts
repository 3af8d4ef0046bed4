import { parseArgs } from 'node:util';
import { createToken, listTokens, revokeToken } from '../../lib/auth/tokens.js';
import { withDatabase } from '../database.js';

const HELP = `Usage:
  attendance-bridge token create --name NAME   create a token (shown once)
  attendance-bridge token list                 list tokens (never their values)
  attendance-bridge token revoke --id ID       revoke a token`;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !action) {
    console.log(HELP);
    return action ? 0 : 2;
  }
  return withDatabase(async ({ sql }) => {
    switch (action) {
      case 'create': {
        if (!values.name?.trim()) {
          console.error('token create needs --name NAME');
          return 2;
        }
        const created = await createToken(sql, values.name.trim());
        console.log(
          `Token ${created.id} (${created.name}): ${created.token}\nShown once; it is stored only as a hash.`,
        );
        return 0;
      }
      case 'list': {
        for (const t of await listTokens(sql)) {
          const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
          console.log(`${t.id}\t${t.name}\t${state}\tcreated ${t.createdAt.toISOString()}`);
        }
        return 0;
      }
      case 'revoke': {
        const id = Number(values.id);
        if (!Number.isInteger(id) || id <= 0) {
          console.error('token revoke needs --id ID (a positive whole number)');
          return 2;
        }
        if (!(await revokeToken(sql, id))) {
          console.error(`No active token with id ${id}.`);
          return 1;
        }
        console.log(`Token ${id} revoked.`);
        return 0;
      }
      default:
        console.error(`Unknown token action "${action}".\n${HELP}`);
        return 2;
    }
  });
}

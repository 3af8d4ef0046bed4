import { hashPassword, passwordProblem } from '../../lib/auth/passwords.js';
import {
  disableConsoleUser,
  enableConsoleUser,
  insertConsoleUser,
  listConsoleUsers,
  revokeConsoleUserSessions,
  setConsolePassword,
} from '../../lib/db/consoleUsers.js';
import { withDatabase } from '../database.js';
import { parseOptions, UsageError, withUsage } from '../options.js';
import { PasswordMismatch, readNewPassword } from '../password.js';

const HELP = `Usage:
  attendance-bridge users create --name NAME      create a web console user
  attendance-bridge users password --name NAME    set a new password (ends the user's sessions)
  attendance-bridge users list                    list users and their open sessions
  attendance-bridge users disable --name NAME     refuse logins and end the user's sessions
  attendance-bridge users enable --name NAME      allow logins again
  attendance-bridge users revoke-sessions --name NAME   log the user out everywhere

create and password ask for the password on a terminal, or read the first line of stdin:
  printf '%s\\n' "$PASSWORD" | attendance-bridge users create --name alice`;

const NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

function nameOption(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed) throw new UsageError('--name NAME is required');
  if (!NAME.test(trimmed)) {
    throw new UsageError('--name: 1 to 64 letters, digits or . _ @ - (no spaces)');
  }
  return trimmed;
}

async function newPasswordHash(): Promise<string | null> {
  let password: string;
  try {
    password = await readNewPassword();
  } catch (error) {
    if (error instanceof PasswordMismatch || (error instanceof Error && error.message === 'cancelled')) {
      console.error(`No change: ${error.message}.`);
      return null;
    }
    throw error;
  }
  const problem = passwordProblem(password);
  if (problem) {
    console.error(`No change: ${problem}.`);
    return null;
  }
  return hashPassword(password);
}

export async function run(argv: string[]): Promise<number> {
  return withUsage(HELP, async () => {
    const [action, ...rest] = argv;
    const { values } = parseOptions(rest, { name: { type: 'string' }, help: { type: 'boolean' } });
    if (values.help || !action) {
      console.log(HELP);
      return action ? 0 : 2;
    }
    switch (action) {
      case 'create': {
        const name = nameOption(values.name);
        const hash = await newPasswordHash();
        if (!hash) return 1;
        return withDatabase(async ({ sql, config }) => {
          if (!(await insertConsoleUser(sql, name, hash))) {
            console.error(`A user named "${name}" exists already.`);
            return 1;
          }
          console.log(`User "${name}" created. Log in at http://${config.API_HOST}:${config.PORT}/login`);
          return 0;
        });
      }
      case 'password': {
        const name = nameOption(values.name);
        const hash = await newPasswordHash();
        if (!hash) return 1;
        return withDatabase(async ({ sql }) => {
          if (!(await setConsolePassword(sql, name, hash))) {
            console.error(`No user named "${name}".`);
            return 1;
          }
          const ended = await revokeConsoleUserSessions(sql, name);
          console.log(`Password of "${name}" changed; ${ended ?? 0} session(s) ended.`);
          return 0;
        });
      }
      case 'list':
        return withDatabase(async ({ sql }) => {
          for (const user of await listConsoleUsers(sql)) {
            const state = user.disabledAt ? `disabled ${user.disabledAt.toISOString()}` : 'active';
            const login = user.lastLoginAt
              ? `last login ${user.lastLoginAt.toISOString()}`
              : 'never logged in';
            console.log(`${user.id}\t${user.name}\t${state}\t${user.activeSessions} session(s)\t${login}`);
          }
          return 0;
        });
      case 'disable':
      case 'enable': {
        const name = nameOption(values.name);
        return withDatabase(async ({ sql }) => {
          const changed =
            action === 'disable' ? await disableConsoleUser(sql, name) : await enableConsoleUser(sql, name);
          if (!changed) {
            console.error(`No user named "${name}".`);
            return 1;
          }
          console.log(
            action === 'disable'
              ? `User "${name}" disabled; their sessions ended.`
              : `User "${name}" enabled.`,
          );
          return 0;
        });
      }
      case 'revoke-sessions': {
        const name = nameOption(values.name);
        return withDatabase(async ({ sql }) => {
          const ended = await revokeConsoleUserSessions(sql, name);
          if (ended === null) {
            console.error(`No user named "${name}".`);
            return 1;
          }
          console.log(`${ended} session(s) of "${name}" ended.`);
          return 0;
        });
      }
      default:
        throw new UsageError(`Unknown users action "${action}".`);
    }
  });
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { verifyPassword } from '../../lib/auth/passwords.js';
import { findConsoleUser } from '../../lib/db/consoleUsers.js';
import { projectDir } from '../../runtime/services.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

/** The real command in its own process, the password piped into stdin as a script would. */
function users(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectDir, 'cli/main.ts'), 'users', ...args],
    {
      cwd: projectDir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

describe('attendance-bridge users', () => {
  test('create reads the password from stdin and stores only a salted scrypt hash', async () => {
    const created = await users(['create', '--name', 'alice'], 'a fine long password\n');
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('User "alice" created');
    expect(created.stdout + created.stderr).not.toContain('a fine long password');
    const stored = await findConsoleUser(db.sql, 'alice');
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('a fine long password', stored?.passwordHash ?? '')).toBe(true);
    expect(await verifyPassword('a fine long passwore', stored?.passwordHash ?? '')).toBe(false);

    const again = await users(['create', '--name', 'alice'], 'another long password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
  }, 150_000);

  test('a short password or a bad name is refused', async () => {
    const short = await users(['create', '--name', 'bob'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
    const badName = await users(['create', '--name', 'two words'], 'a fine long password\n');
    expect(badName.code).toBe(2);
  }, 150_000);

  test('list, disable and revoke-sessions', async () => {
    const list = await users(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\talice\tactive\t0 session\(s\)\tnever logged in/);
    const disabled = await users(['disable', '--name', 'alice']);
    expect(disabled.code).toBe(0);
    expect((await findConsoleUser(db.sql, 'alice'))?.disabledAt).toBeInstanceOf(Date);
    const revoked = await users(['revoke-sessions', '--name', 'alice']);
    expect(revoked.stdout).toContain('0 session(s) of "alice" ended.');
    const nobody = await users(['disable', '--name', 'nobody']);
    expect(nobody.code).toBe(1);
  }, 150_000);
});

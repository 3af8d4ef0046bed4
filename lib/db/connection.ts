import postgres from 'postgres';

export type Sql = postgres.Sql;

/** A pool or a transaction: a query that takes one runs on either. */
export type Queryable = postgres.ISql;

/** One pool per process. Numeric and bigint columns come back as JS numbers where they fit. */
export function connect(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'attendance-bridge' },
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/** The database URL with the password hidden, for messages. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

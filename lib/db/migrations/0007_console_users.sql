-- The web console's people, their sessions and the failed logins that slow guessing down.

create table console_users (
  id                     serial primary key,
  name                   text not null unique,
  -- scrypt$N$r$p$salt$hash (lib/auth/passwords.ts); the password itself is never stored.
  password_hash          text not null,
  created_at             timestamptz not null default now(),
  last_login_at          timestamptz,
  disabled_at            timestamptz
);

-- A session is named by a random token kept only in the browser's cookie; the row holds its
-- SHA-256 hash, so a copy of this table logs nobody in. The CSRF token goes into every form.
create table console_sessions (
  id                     bigserial primary key,
  token_hash             text not null unique,
  user_id                integer not null references console_users (id) on delete cascade,
  csrf_token             text not null,
  address                text not null default '',
  created_at             timestamptz not null default now(),
  last_seen_at           timestamptz not null default now(),
  expires_at             timestamptz not null,
  revoked_at             timestamptz
);

create index console_sessions_user on console_sessions (user_id) where revoked_at is null;

-- Failed logins in a row, per user name and per client address (a successful login clears the
-- user's row). Names that do not exist count too, so a guesser learns nothing from the delay.
create table console_login_failures (
  subject                text not null check (subject in ('user', 'address')),
  key                    text not null,
  failures               integer not null default 0,
  last_failure_at        timestamptz not null default now(),
  primary key (subject, key)
);

-- The desk's accounts and sign-in attempts, and the role an action was taken with.
-- Every statement is idempotent; run by pipeline.accounts.users.ensure_users_table.

create table if not exists users (
    name varchar primary key,
    role varchar not null,           -- viewer | clerk | manager (pipeline/base/roles.py)
    password_hash varchar,           -- argon2id; null for an account that signs in by SSO only
    disabled boolean not null default false,
    created_at timestamp not null,
    created_by varchar,
    sso_email varchar                -- lower-case e-mail an SSO sign-in maps to this account
);

create table if not exists sign_in_attempts (
    attempted_at timestamp not null,
    user_name varchar not null,      -- as typed, trimmed and lower-cased
    address varchar,                 -- the client's address where known
    ok boolean not null
);

-- a sign-in is recorded as failed before its password is checked, and set ok after a match:
-- sign-ins at the same moment cannot overrun the limit
alter table sign_in_attempts add column if not exists attempt_id varchar;

-- the browser sessions of password sign-ins: a row while the session is open (sign-out, a
-- disabled account or a new password delete it); the token itself is only in the browser
create table if not exists sign_in_sessions (
    session_hash varchar primary key,  -- SHA-256 of the session id the token carries
    user_name varchar not null,
    address varchar,                   -- the client's address where known: the token works there only
    created_at double not null,        -- seconds since the epoch
    seen_at double not null            -- the last click counted (at most once a minute)
);

-- the key the session tokens are signed with (HMAC-SHA256), made once per store
create table if not exists sign_in_secret (
    secret varchar not null
);

alter table events add column if not exists role varchar;

-- The desk's accounts and sign-in attempts, and the role an action was taken with.
-- Every statement is idempotent; run by pipeline.users.ensure_users_table.

create table if not exists users (
    name varchar primary key,
    role varchar not null,           -- viewer | clerk | manager (pipeline/roles.py)
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

alter table events add column if not exists role varchar;

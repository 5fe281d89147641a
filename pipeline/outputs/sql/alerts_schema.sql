-- Alerts that are pushed and the daily report per shop (pipeline/outputs/alerts.py,
-- pipeline/outputs/daily_report.py): the channels, what each was sent, the rules' thresholds,
-- the daily report's addresses per shop and its options. Every statement is idempotent.

create sequence if not exists alert_channel_seq start 1;

-- where alerts go: a 企业微信 or 钉钉 group robot, a generic webhook, or e-mail (SMTP)
create table if not exists alert_channels (
    channel_id integer primary key,
    name varchar not null,
    kind varchar not null,              -- wecom | dingtalk | webhook | email
    enabled boolean not null default true,
    url varchar,                        -- the webhook's address (a secret: it carries the key)
    secret varchar,                     -- 钉钉's signing secret (SEC…), or the SMTP password
    smtp_host varchar,
    smtp_port integer,
    smtp_security varchar,              -- starttls | ssl | none (a relay on this machine)
    smtp_user varchar,
    sender varchar,                     -- the From address
    recipients varchar,                 -- e-mail addresses, separated by commas
    quiet_minutes integer not null default 60,
    lang varchar not null default 'zh',  -- the language of its messages: zh | en
    created_at timestamp not null,
    updated_at timestamp not null,
    updated_by varchar,
    last_sent_at timestamp,
    last_error varchar,                 -- the last failure in one line (never a secret)
    last_error_at timestamp
);

-- what each channel was last sent about each alert: no repeat until the alert changes
create table if not exists alert_sent (
    channel_id integer not null,
    alert_key varchar not null,         -- what the alert is about (`overdue:ship_paid`, …)
    digest varchar not null,            -- SHA-256 of the text sent
    sent_at timestamp not null,         -- the moment it was evaluated as of
    cleared_at timestamp,               -- when it was no longer raised (null: still raised)
    primary key (channel_id, alert_key)
);

-- the rules: on or off, and the number a count must be above (null: the rule's default)
create table if not exists alert_rules (
    rule varchar primary key,
    enabled boolean not null default true,
    threshold double,
    updated_at timestamp,
    updated_by varchar
);

-- the daily report's addresses per shop (DESIGN §13: a shop is its platform and key)
create table if not exists report_recipients (
    platform varchar not null,
    shop varchar not null,
    addresses varchar not null,         -- e-mail addresses, separated by commas
    updated_at timestamp,
    updated_by varchar,
    primary key (platform, shop)
);

-- the daily report's options and what was last done (JSON values): report_hour,
-- report_channel, league_addresses, report_lang, report_dir, last_report_day
create table if not exists alert_options (
    key varchar primary key,
    value varchar not null,
    updated_at timestamp,
    updated_by varchar
);

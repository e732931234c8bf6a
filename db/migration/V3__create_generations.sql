-- One proxied request as the caller saw it; attempts holds every upstream attempt (provider, outcome, status, timings).
create table generations (
    id                 text primary key,
    created_at         timestamptz not null,
    key_id             text,
    requested_model    text not null,
    served_model       text,
    provider_slug      text,
    endpoint_id        bigint,
    protocol           text not null,
    streamed           boolean not null,
    status             text not null,
    http_status        integer not null,
    finish_reason      text,
    input_tokens       integer,
    output_tokens      integer,
    cache_read_tokens  integer,
    cache_write_tokens integer,
    reasoning_tokens   integer,
    cost_usd           numeric(18, 9),
    ttft_ms            integer,
    latency_ms         integer,
    attempts           jsonb not null default '[]'
);

create index generations_created_at on generations (created_at);
create index generations_key on generations (key_id, created_at);

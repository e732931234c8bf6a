-- Samples: one observed upstream call (from the prober or from live traffic). Partitioned by day of started_at so
-- that retention is a cheap DROP of old partitions. Partitions are created ahead of time by the application; the
-- default partition catches anything outside them so that no sample is ever rejected.
create table samples (
    id            bigserial,
    endpoint_id   bigint not null,
    started_at    timestamptz not null,
    recorded_at   timestamptz not null default now(),
    source        text not null check (source in ('probe', 'traffic')),
    -- SampleOutcome ids; adding an outcome means a migration here, so a typo can never become a silent bucket.
    outcome       text not null check (outcome in ('ok', 'server_error', 'timeout', 'connection', 'malformed',
                      'stream_error', 'auth', 'not_found', 'error_finish', 'rate_limited', 'caller_error',
                      'cancelled')),
    http_status   integer,
    ttft_ms       integer check (ttft_ms >= 0),
    latency_ms    integer not null check (latency_ms >= 0),
    input_tokens  integer,
    output_tokens integer,
    decode_tps    real,
    e2e_tps       real,
    primary key (started_at, id)
) partition by range (started_at);

create table samples_default partition of samples default;
create index samples_recorded_at on samples (recorded_at);
create index samples_endpoint_started on samples (endpoint_id, started_at);

-- Rollups per endpoint per minute and per hour. Recomputed (not incremented) from the samples of a bucket, so that
-- re-running a window gives the same rows and late samples are picked up; an upsert that would change nothing leaves
-- the row (and its updated_at) alone, so readers can follow changes by updated_at.
--   total = ok + failed + rate_limited + excluded (SampleOutcome categories); uptime = ok / (ok + failed).
--   failures: count per outcome id of every call that was not ok (failures, rate limits and excluded calls alike).
--   ttft_* (ms) are over successful streamed calls; decode_* and e2e_* (output tokens/s) over successful calls.
--   Percentiles: exact (linear interpolation between ranks, as percentile_cont) in minute rows; from the merged
--   histogram in hour rows (within ~3% of exact).
--   *_hist: LogHistogram counts, sparse as [bucket index, count, bucket index, count, ...] by ascending index; the
--   bucket layout (LogHistogram.TTFT_MS, LogHistogram.TOKENS_PER_SECOND) is part of this format.
--   Minute rows are kept for switchboard.stats.minute-rollup-retention, hour rows for ...hour-rollup-retention.
create table rollups_minute (
    endpoint_id     bigint not null,
    bucket_start    timestamptz not null,
    total           integer not null,
    ok              integer not null,
    failed          integer not null,
    rate_limited    integer not null,
    excluded        integer not null,
    failures        jsonb not null default '{}',
    ttft_count      integer not null,
    ttft_p50        real,
    ttft_p90        real,
    ttft_p99        real,
    decode_count    integer not null,
    decode_p50      real,
    decode_p90      real,
    e2e_count       integer not null,
    e2e_p50         real,
    tokens_in       bigint not null,
    tokens_out      bigint not null,
    ttft_hist       integer[] not null,
    decode_hist     integer[] not null,
    e2e_hist        integer[] not null,
    last_started_at timestamptz not null,
    updated_at      timestamptz not null default now(),
    primary key (endpoint_id, bucket_start)
);

create table rollups_hour (like rollups_minute including all);
create index rollups_minute_bucket on rollups_minute (bucket_start);
create index rollups_hour_bucket on rollups_hour (bucket_start);
create index rollups_minute_updated on rollups_minute (updated_at);
create index rollups_hour_updated on rollups_hour (updated_at);

-- Small shared state for scheduled jobs (e.g. how far the rollup job has read), so replicas continue each other.
create table job_state (
    name       text primary key,
    value      text not null,
    updated_at timestamptz not null default now()
);

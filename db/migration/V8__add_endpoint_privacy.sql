-- Privacy facts per endpoint, for the caller's provider.data_collection and provider.zdr filters. The catalog gives
-- them per provider with a per-endpoint override; the loader writes the resolved value on every endpoint row, so the
-- router reads one place. The defaults are the conservative ones: a filter must never let through an endpoint that
-- is not known to comply, so "unknown" is stored as "may collect" and "not zero retention".
alter table endpoints
    add column data_collection text not null default 'allow' check (data_collection in ('allow', 'deny')),
    add column zdr boolean not null default false;

-- Gateway keys. Only the SHA-256 of a key is stored (keys are 32 random bytes, so a fast hash is enough); the prefix
-- is its first characters, shown so that a person can tell keys apart.
create table api_keys (
    id         text primary key,
    name       text        not null,
    key_hash   text        not null unique,
    prefix     text        not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);

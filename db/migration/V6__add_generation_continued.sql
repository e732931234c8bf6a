-- A stream that another provider continued after the first one died mid-answer (provider.continue_on_stream_failure);
-- which attempts continued it is in attempts (their "continuation": true).
alter table generations add column continued boolean not null default false;

-- Per-key limits; null is no limit. The period is kept without a budget too: the admin page counts usage in it.
alter table api_keys
    add column rpm_limit     integer check (rpm_limit > 0),
    add column tpm_limit     integer check (tpm_limit > 0),
    add column budget_usd    numeric(15, 6) check (budget_usd >= 0),
    add column budget_period text not null default 'monthly'
        check (budget_period in ('daily', 'weekly', 'monthly', 'total'));

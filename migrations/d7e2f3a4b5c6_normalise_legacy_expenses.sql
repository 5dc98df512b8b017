-- normalise_legacy_expenses
--
-- Revision ID: d7e2f3a4b5c6
-- Revises: c4d1e8a9b0f2
-- Create Date: 2026-11-24 23:31:00.000000
-- Type: Data
-- Author: finbrain
--
-- Brings legacy rows to the data standards: currency aliases users typed
-- ('tk', '৳', '$', '€', '£', '₹', lower-case codes) become ISO 4217 codes, and
-- source is trimmed and lower-cased. `finbrain check data` reports what is
-- still out of standard afterwards (e.g. unknown currencies) for a human.
--
-- The down is honest: it is lossy. The original spellings are not kept, so
-- there is nothing to restore; the schema is unchanged and reverting is a no-op.
--
-- Only members of finbrain_writer may change expenses (c4d1e8a9b0f2), so the
-- changes run as that role for this transaction: the migrating login must be
-- a superuser or a member of finbrain_writer (GRANT finbrain_writer TO <login>).

-- migrate:up
SET LOCAL ROLE finbrain_writer;

UPDATE expenses e SET currency = n.code
FROM (
    SELECT id, CASE lower(trim(currency))
            WHEN 'tk' THEN 'BDT'
            WHEN '৳' THEN 'BDT'
            WHEN '$' THEN 'USD'
            WHEN '€' THEN 'EUR'
            WHEN '£' THEN 'GBP'
            WHEN '₹' THEN 'INR'
            WHEN 'rs' THEN 'INR'
            ELSE upper(trim(currency))
        END AS code
    FROM expenses
) n
WHERE n.id = e.id AND e.currency IS DISTINCT FROM n.code;

UPDATE expenses SET source = lower(regexp_replace(trim(source), '\s+', ' ', 'g'))
WHERE source <> lower(regexp_replace(trim(source), '\s+', ' ', 'g'));

-- Back to the migrating login for the migration ledger.
RESET ROLE;

-- migrate:down
-- Lossy by design (see above): nothing to restore.
SELECT 1;

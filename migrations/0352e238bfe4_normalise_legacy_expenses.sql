-- normalise_legacy_expenses
--
-- Revision ID: 0352e238bfe4
-- Revises: 30b14b696ef7
-- Create Date: 2026-11-24 23:30:00.000000
-- Type: Data Migration
--
-- Brings legacy expense rows to the data standards: currency aliases users
-- typed (tk, Tk., ৳, $, €, £, ₹, lower-case codes) become ISO 4217 codes, and
-- source is trimmed, whitespace-collapsed and lower-cased.
-- Every changed row's original values are kept in expense_normalisation_backup,
-- so the down can restore them. The down is lossy for rows edited after this
-- migration ran: it restores the legacy spelling over the later edit only
-- where the row still holds the normalised value, and leaves other rows alone.

-- migrate:up
CREATE TABLE expense_normalisation_backup (
  expense_id bigint PRIMARY KEY,
  currency text NOT NULL,
  source text NOT NULL,
  new_currency text NOT NULL,
  new_source text NOT NULL
);

WITH normalised AS (
  SELECT id, currency AS old_currency, source AS old_source,
    CASE
      WHEN lower(btrim(currency)) IN ('tk', 'tk.', '৳') THEN 'BDT'
      WHEN btrim(currency) IN ('$', 'us$') THEN 'USD'
      WHEN btrim(currency) = '€' THEN 'EUR'
      WHEN btrim(currency) = '£' THEN 'GBP'
      WHEN btrim(currency) IN ('₹', 'rs', 'Rs', 'rs.', 'Rs.') THEN 'INR'
      WHEN btrim(currency) = '¥' THEN 'JPY'
      ELSE upper(btrim(currency))
    END AS new_currency,
    lower(btrim(regexp_replace(source, '\s+', ' ', 'g'))) AS new_source
  FROM expenses
)
INSERT INTO expense_normalisation_backup (expense_id, currency, source, new_currency, new_source)
SELECT id, old_currency, old_source, new_currency, new_source
FROM normalised
WHERE old_currency IS DISTINCT FROM new_currency OR old_source IS DISTINCT FROM new_source;

UPDATE expenses e
SET currency = b.new_currency, source = b.new_source
FROM expense_normalisation_backup b
WHERE e.id = b.expense_id;

-- migrate:down
-- Lossy by design: only rows that still hold the normalised values get their
-- legacy spelling back; rows edited since keep the edit.
UPDATE expenses e
SET currency = b.currency, source = b.source
FROM expense_normalisation_backup b
WHERE e.id = b.expense_id AND e.currency = b.new_currency AND e.source = b.new_source;

DROP TABLE expense_normalisation_backup;

-- expense_audit_append_only
--
-- Revision ID: e7834345cf6b
-- Revises: d7e2f3a4b5c6
-- Create Date: 2026-11-24 23:36:00.000000
-- Type: Schema Addition
-- Author: finbrain
--
-- The audit trail must never lose an expense's history, so it becomes
-- append-only at the database: UPDATE, DELETE and TRUNCATE on expense_audit are
-- always refused, and INSERT needs the canonical writer's transaction-local
-- marker like writes to expenses do (a forged audit row is as bad as a lost one).
-- Dropping the table (migrate down of c4d1e8a9b0f2) is still possible: DDL is
-- the migration owner's business, not the application's.

-- migrate:up
CREATE FUNCTION finbrain_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'finbrain audit trail: % on % is not allowed; the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = '42501',
              HINT = 'Audit rows are only ever added, by the canonical writer in the same transaction as the change.';
END;
$$;

CREATE TRIGGER expense_audit_writer_insert
    BEFORE INSERT ON expense_audit
    FOR EACH ROW EXECUTE FUNCTION finbrain_single_writer_guard();

CREATE TRIGGER expense_audit_append_only_rows
    BEFORE UPDATE OR DELETE ON expense_audit
    FOR EACH ROW EXECUTE FUNCTION finbrain_audit_append_only();

CREATE TRIGGER expense_audit_append_only_truncate
    BEFORE TRUNCATE ON expense_audit
    FOR EACH STATEMENT EXECUTE FUNCTION finbrain_audit_append_only();

-- migrate:down
DROP TRIGGER expense_audit_append_only_truncate ON expense_audit;
DROP TRIGGER expense_audit_append_only_rows ON expense_audit;
DROP TRIGGER expense_audit_writer_insert ON expense_audit;
DROP FUNCTION finbrain_audit_append_only();

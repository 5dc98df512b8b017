-- The stronger option than the trigger guard: separate database roles.
-- The application logs in as finbrain_app, which can read expenses but not
-- write them; only the canonical writer's connections use finbrain_writer.
-- Run once per database as an owner, e.g.:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/writer-roles.sql
-- then ALTER ROLE … LOGIN PASSWORD '…' for each (keep the passwords in your secret store).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'finbrain_app') THEN
        CREATE ROLE finbrain_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'finbrain_writer') THEN
        CREATE ROLE finbrain_writer NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO finbrain_app, finbrain_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO finbrain_app, finbrain_writer;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON expenses, expense_audit, expense_requests FROM finbrain_app;
GRANT INSERT, UPDATE, DELETE ON expenses, expense_requests TO finbrain_writer;
-- The audit trail is append-only: the writer only ever adds rows.
REVOKE UPDATE, DELETE, TRUNCATE ON expense_audit FROM finbrain_writer;
GRANT INSERT ON expense_audit TO finbrain_writer;
GRANT INSERT, UPDATE ON expense_writer_stats TO finbrain_app, finbrain_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO finbrain_writer;

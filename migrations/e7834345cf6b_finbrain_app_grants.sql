-- finbrain_app_grants
--
-- Revision ID: e7834345cf6b
-- Revises: d7e2f3a4b5c6
-- Create Date: 2026-11-24 23:36:00.000000
-- Type: Schema Change
-- Author: finbrain
--
-- What FinBrain's application logins (members of finbrain_app) need besides
-- reading expenses: they register users and categories. The protection of
-- expenses itself (c4d1e8a9b0f2) grants the writer role all it needs; nothing
-- here touches expenses, its audit trail or its idempotency records.

-- migrate:up
GRANT SELECT, INSERT, UPDATE, DELETE ON users, categories TO finbrain_app;
GRANT USAGE ON SEQUENCE users_id_seq, categories_id_seq TO finbrain_app;

-- migrate:down
REVOKE ALL ON SEQUENCE users_id_seq, categories_id_seq FROM finbrain_app;
REVOKE ALL ON users, categories FROM finbrain_app;

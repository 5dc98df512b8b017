-- sample_concurrent_indexes
--
-- Revision ID: cf6afe03b206
-- Revises: 5b555895a514
-- Create Date: 2025-09-14 06:01:28.658532
-- Type: Index Operations
-- Author: chowdhurysujan7
-- Transaction: false
--
-- This migration demonstrates safe concurrent index operations.
--
-- To run this migration in concurrent mode:
-- 1. Set environment variable: export CONCURRENT_MIGRATION=true
-- 2. Run migration: alembic upgrade head
--    
-- The migration will run without transactions, allowing CREATE INDEX CONCURRENTLY.
--
-- Examples demonstrated:
-- - Basic concurrent index creation
-- - Composite indexes for performance
-- - Partial indexes with WHERE clauses
-- - Unique constraints with concurrent creation
-- - Index replacement patterns
-- - Batch operations with error handling
--
-- Safety features:
-- - Uses IF NOT EXISTS for idempotent operations
-- - Graceful error handling for existing indexes
-- - No table locking during index creation
-- - Fail-safe behavior for production environments

-- migrate:up
-- Each statement is sent on its own (Transaction: false), so a re-run after a
-- partial failure converges: every statement is idempotent, and finbrain drops
-- and rebuilds an INVALID leftover of an index it is about to create.

-- Basic concurrent index creation
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_user_id ON expenses (user_id);

-- Composite index for the per-user timeline
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_user_occurred ON expenses (user_id, occurred_at DESC);

-- Partial index with a WHERE clause: only rows that came through chat
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_chat_occurred ON expenses (occurred_at) WHERE source = 'chat';

-- Unique constraint with concurrent creation: one category name per case-folded spelling
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_categories_lower_name ON categories (lower(name));

-- Index replacement pattern: build the new index, drop the old one, rename
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_category ON expenses (category_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_category_new ON expenses (category_id) INCLUDE (amount);
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_category;
ALTER INDEX IF EXISTS ix_expenses_category_new RENAME TO ix_expenses_category;

-- Batch operations: independent, idempotent statements
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_currency ON expenses (currency);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_expenses_source ON expenses (source);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_source;
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_currency;
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_category;
DROP INDEX CONCURRENTLY IF EXISTS ux_categories_lower_name;
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_chat_occurred;
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_user_occurred;
DROP INDEX CONCURRENTLY IF EXISTS ix_expenses_user_id;

-- test_rollback_safety_noop
--
-- Revision ID: 30b14b696ef7
-- Revises: cf6afe03b206
-- Create Date: 2025-09-14 06:34:29.210395
-- Type: Schema Addition
-- Author: chowdhurysujan71

-- migrate:up
-- A deliberate no-op: it exists so that the up/down/up stairway of
-- `finbrain migrate verify` has a revision whose rollback must leave the
-- schema exactly as it found it.
SELECT 1;

-- migrate:down
SELECT 1;

-- baseline_migration
--
-- Revision ID: 5b555895a514
-- Revises: 
-- Create Date: 2025-09-14 05:27:57.349712
-- Type: Schema Addition
-- Author: chowdhurysujan7

-- migrate:up
CREATE TABLE users (
    id           bigserial PRIMARY KEY,
    external_id  text NOT NULL UNIQUE,
    display_name text,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id   bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE
);

-- Money is numeric, never float; currency is an ISO 4217 code. Legacy rows may
-- carry aliases ('tk', '$'): the data standards normalise them, so no CHECK here.
CREATE TABLE expenses (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id),
    category_id     bigint REFERENCES categories (id),
    amount          numeric(19, 4) NOT NULL CHECK (amount > 0),
    currency        char(3) NOT NULL DEFAULT 'BDT',
    description     text,
    source          text NOT NULL DEFAULT 'chat',
    idempotency_key text UNIQUE,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE expenses;
DROP TABLE categories;
DROP TABLE users;

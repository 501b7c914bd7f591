-- Up Migration
-- When the queue worker last processed the item (`POST /api/items/:id/process`); null: never.
-- Nullable and without a default, so adding it rewrites no rows and the previous release, which
-- does not know the column, keeps working (expand, then contract).
ALTER TABLE items ADD COLUMN processed_at timestamptz;

-- The prune job's `created_at < cutoff`: without an index it scans the whole table every night.
-- A plain CREATE INDEX blocks writes while it builds: fine for this small demo table; a large one
-- needs CREATE INDEX CONCURRENTLY, which cannot run inside the migrations' shared transaction.
CREATE INDEX items_created_at_idx ON items (created_at);

-- Down Migration
DROP INDEX items_created_at_idx;
ALTER TABLE items DROP COLUMN processed_at;

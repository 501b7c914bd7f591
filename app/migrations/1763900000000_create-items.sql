-- Up Migration
-- Items of the demo API. `id` is the public identifier; `seq` orders the list and backs its cursor
-- (a uuid is not ordered; created_at can tie).
CREATE TABLE items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  note text CHECK (char_length(note) <= 2000),
  done boolean NOT NULL DEFAULT false,
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE items;

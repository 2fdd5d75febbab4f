-- The merchant speaks in chat as the show's host. A host's voice is a viewers row that no token
-- opens (its token_hash is no SHA-256 of anything handed out), so every chat line keeps its one
-- author column and the joins that draw names stay as they are.
CREATE TABLE host_voices (
  host       TEXT PRIMARY KEY,
  viewer_id  TEXT NOT NULL UNIQUE REFERENCES viewers (id)
) STRICT;

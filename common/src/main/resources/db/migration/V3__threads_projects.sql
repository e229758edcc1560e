-- Projects, threads, messages, stars and project workspaces (manifest + content-addressed blobs).

CREATE TABLE projects (
  id            uuid        PRIMARY KEY,
  org_id        uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  team_id       uuid        REFERENCES teams (id) ON DELETE SET NULL,
  owner_user_id uuid        NOT NULL REFERENCES users (id),
  name          text        NOT NULL,
  description   text,
  -- private = owner only; shared = the team when team_id is set, else the whole account.
  visibility    text        NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_org_idx ON projects (org_id, created_at DESC, id DESC);
CREATE INDEX projects_team_idx ON projects (team_id) WHERE team_id IS NOT NULL;

-- updated_at is written with millisecond precision, the precision of the API's timestamps, so a
-- cursor built from a listed thread's updated_at and id (before_updated_at + before_id) is exact.
CREATE TABLE threads (
  id                 uuid        PRIMARY KEY,
  org_id             uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  created_by_user_id uuid        REFERENCES users (id) ON DELETE SET NULL,
  title              text,
  -- Deleting a project detaches its threads.
  project_id         uuid        REFERENCES projects (id) ON DELETE SET NULL,
  is_private         boolean     NOT NULL DEFAULT false,
  -- The non-terminal run of the thread, maintained by run execution (no foreign key yet).
  active_run_id      uuid,
  created_at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  deleted_at         timestamptz,
  title_tsv          tsvector    GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, ''))) STORED
);
-- Keyset pagination: newest activity first, id breaking ties.
CREATE INDEX threads_creator_activity_idx ON threads (org_id, created_by_user_id, updated_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX threads_project_activity_idx ON threads (project_id, updated_at DESC, id DESC)
  WHERE deleted_at IS NULL AND project_id IS NOT NULL;
CREATE INDEX threads_title_tsv_idx ON threads USING gin (title_tsv);

CREATE TABLE messages (
  id                 uuid        PRIMARY KEY,
  org_id             uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  thread_id          uuid        NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  created_by_user_id uuid        REFERENCES users (id) ON DELETE SET NULL,
  role               text        NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  content            text        NOT NULL,
  -- Structured form ({"parts": [...]}: text, tool calls, tool results) an agent loop rebuilds from.
  content_json       jsonb,
  run_id             uuid,
  -- Retry hides the answer it replaces; hidden messages are never listed nor sent to a model.
  hidden             boolean     NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX messages_thread_idx ON messages (thread_id, created_at, id);
CREATE INDEX messages_content_tsv_idx ON messages USING gin (to_tsvector('simple', content));

CREATE TABLE thread_stars (
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  thread_id  uuid        NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX thread_stars_thread_idx ON thread_stars (thread_id);

-- Workspace blobs: content-addressed (SHA-256 hex), shared by every file with the same bytes.
CREATE TABLE workspace_blobs (
  sha256     text        PRIMARY KEY,
  content    bytea       NOT NULL,
  size       bigint      NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Uncompressed out-of-line storage: substring() then fetches only the TOAST chunks of the range
-- read, so large files stream in pages instead of being detoasted whole.
ALTER TABLE workspace_blobs ALTER COLUMN content SET STORAGE EXTERNAL;

-- The manifest: one row per file; directories are implied by paths. "C" collation makes a
-- directory's descendants one contiguous index range ('/src/' <= path < '/src0').
CREATE TABLE workspace_files (
  project_id  uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  path        text        COLLATE "C" NOT NULL,
  org_id      uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  blob_sha256 text        NOT NULL REFERENCES workspace_blobs (sha256),
  size        bigint      NOT NULL,
  mime_type   text        NOT NULL,
  mtime       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, path)
);
CREATE INDEX workspace_files_blob_idx ON workspace_files (blob_sha256);

CREATE TABLE workspaces (
  project_id   uuid        PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  org_id       uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  last_used_at timestamptz NOT NULL DEFAULT now()
);

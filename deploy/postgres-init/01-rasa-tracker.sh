#!/bin/sh
# Runs once, when the postgres service initialises an empty data volume (the official image
# executes /docker-entrypoint-initdb.d/* after creating $POSTGRES_USER and $POSTGRES_DB).
#
# Creates Rasa's tracker store: its own database `rasa_tracker`, owned by its own login role,
# separate from the application database that Alembic manages. The tracker role cannot
# connect to the application database, and other roles cannot connect to the tracker one.
#
# The file may be executed or sourced by the entrypoint (it sources scripts that are not
# executable), so it neither calls `exit` nor changes shell options.

psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v tracker_user="${RASA_TRACKER_USER:-rasa}" \
  -v tracker_password="${RASA_TRACKER_PASSWORD:?RASA_TRACKER_PASSWORD must be set on the postgres service}" \
  -v app_db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"tracker_user" LOGIN PASSWORD :'tracker_password';
CREATE DATABASE rasa_tracker OWNER :"tracker_user";
REVOKE ALL ON DATABASE rasa_tracker FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE :"app_db" FROM PUBLIC;
SQL

#!/bin/sh
# Runs once, when the postgres service initialises an empty data volume (the official image
# executes /docker-entrypoint-initdb.d/* as the superuser $POSTGRES_USER, connected to
# $POSTGRES_DB). Least privilege: the superuser's password stays in the postgres service;
# each other service logs in with a role that can do its job and nothing else.
#
#   role (default name)   LOGIN, none of SUPERUSER / CREATEDB / CREATEROLE / REPLICATION / BYPASSRLS
#   rebond                owns the application database `rebond` (Alembic's tables): migrate,
#                         action-server and bot
#   rasa                  owns the tracker database `rasa_tracker` (Rasa creates its `events`)
#   rebond_eraser         CONNECT to `rasa_tracker`, SELECT and DELETE on the tables `rasa`
#                         creates there: the bot's export, erasure and 90-day pruning of
#                         conversation events; it cannot write or alter them
#
# No role but a database's owner (and the eraser on the tracker) may connect to it: CONNECT
# and TEMPORARY are revoked from PUBLIC on both databases, on the maintenance database and on
# template1; each database's `public` schema belongs to its owner and PUBLIC loses its rights
# there.
#
# The file may be executed or sourced by the entrypoint (it sources scripts that are not
# executable), so it neither calls `exit` nor changes shell options. Passwords change later
# only by an ALTER ROLE by hand (this script never runs again on an initialised volume).

psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v maintenance_db="$POSTGRES_DB" \
  -v app_user="${APP_DB_USER:-rebond}" \
  -v app_password="${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set on the postgres service}" \
  -v app_db="${APP_DB_NAME:-rebond}" \
  -v tracker_user="${RASA_TRACKER_USER:-rasa}" \
  -v tracker_password="${RASA_TRACKER_PASSWORD:?RASA_TRACKER_PASSWORD must be set on the postgres service}" \
  -v tracker_db="${RASA_TRACKER_DB:-rasa_tracker}" \
  -v eraser_user="${TRACKER_ERASER_USER:-rebond_eraser}" \
  -v eraser_password="${TRACKER_ERASER_PASSWORD:?TRACKER_ERASER_PASSWORD must be set on the postgres service}" \
  <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'app_password';
CREATE ROLE :"tracker_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'tracker_password';
CREATE ROLE :"eraser_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'eraser_password';

CREATE DATABASE :"app_db" OWNER :"app_user";
CREATE DATABASE :"tracker_db" OWNER :"tracker_user";

REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"tracker_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"maintenance_db" FROM PUBLIC;
REVOKE ALL ON DATABASE template1 FROM PUBLIC;
GRANT CONNECT ON DATABASE :"tracker_db" TO :"eraser_user";

\connect :"app_db"
ALTER SCHEMA public OWNER TO :"app_user";
REVOKE ALL ON SCHEMA public FROM PUBLIC;

\connect :"tracker_db"
ALTER SCHEMA public OWNER TO :"tracker_user";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"eraser_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"tracker_user" IN SCHEMA public
  GRANT SELECT, DELETE ON TABLES TO :"eraser_user";
SQL

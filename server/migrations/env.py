"""Alembic environment: always run on the connection server.db.migrate hands over (no alembic.ini)."""

from alembic import context

from server.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()

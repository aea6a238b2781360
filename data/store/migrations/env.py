"""Alembic environment: always run on the connection the store hands over (no URL in config)."""

from alembic import context

from data.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()

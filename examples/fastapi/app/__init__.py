"""A FastAPI service with a PostgreSQL schema owned by Alembic, deployed by Slipway."""

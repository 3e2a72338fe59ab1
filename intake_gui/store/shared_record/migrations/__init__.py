"""Alembic migrations of the shared record, shipped inside the package and run by `intake shared-record init|upgrade`."""

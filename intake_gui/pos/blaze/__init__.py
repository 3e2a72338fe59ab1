"""BLAZE partner API connector (batches as receives and packages, inventories as rooms, transfers as moves)."""

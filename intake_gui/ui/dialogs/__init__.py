"""Dialogs: one file per dialog, each small enough to read in one sitting."""

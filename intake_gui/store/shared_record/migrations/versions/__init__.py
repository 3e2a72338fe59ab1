"""One file per revision; never edit a released one, add the next."""

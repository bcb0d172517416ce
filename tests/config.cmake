# Tests for the config area (filled in as it lands).

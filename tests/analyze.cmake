# Tests for the analyze area (filled in as it lands).

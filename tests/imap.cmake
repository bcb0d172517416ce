# Tests for the imap area (filled in as it lands).

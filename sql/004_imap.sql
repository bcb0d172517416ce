-- 004: mail read from IMAP mailboxes.  A mail is stored once, with its
-- input, in one transaction; only then is it moved (or flagged, or
-- deleted) on the server, and done_at says so.  A run that died between the
-- two finds the row and only finishes the move.

CREATE TABLE imap_messages (
	account     text NOT NULL,  -- user@host
	mailbox     text NOT NULL,
	uidvalidity bigint NOT NULL,
	uid         bigint NOT NULL,
	message_id  text,
	-- The input the mail became; for 'duplicate', the input that had the
	-- same bytes before.
	input       bigint REFERENCES inputs (id) ON DELETE SET NULL,
	outcome     text NOT NULL
	            CHECK (outcome IN ('reports', 'partial', 'refused',
	                               'skipped', 'duplicate')),
	stored_at   timestamptz NOT NULL DEFAULT now(),
	action      text,  -- "moved to FOLDER", "marked seen", "deleted"
	done_at     timestamptz,  -- NULL: the action is still to be taken
	PRIMARY KEY (account, mailbox, uidvalidity, uid)
);
COMMENT ON TABLE imap_messages IS 'Every mail read from an IMAP mailbox: what it became and what was done with it';
CREATE INDEX imap_messages_input ON imap_messages (input);

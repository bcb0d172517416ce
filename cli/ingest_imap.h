/*
 * ingest_imap: the --imap half of dmarcsift ingest.
 */
#ifndef DMARCSIFT_INGEST_IMAP_H
#define DMARCSIFT_INGEST_IMAP_H

struct cliopt;

/* Runs ingest over the configured mailbox; returns the exit status. */
int ingest_imap(struct cliopt *co);

#endif

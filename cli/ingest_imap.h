/*
 * ingest_imap: the --imap half of dmarcsift ingest.
 */
#ifndef DMARCSIFT_INGEST_IMAP_H
#define DMARCSIFT_INGEST_IMAP_H

struct cliopt;

/* Runs ingest over the configured mailboxes; returns the exit status. */
int ingest_imap(struct cliopt *co);
/*
 * ingest --imap --watch: stays connected to each mailbox and stores mail
 * as it arrives, until SIGTERM or SIGINT; returns the exit status (0 when
 * stopped so, 2 when a watcher could not go on).
 */
int ingest_watch(struct cliopt *co);

#endif

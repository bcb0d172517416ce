/*
 * owned: the setting `domains` (the owner's domains), read the one way
 * that `report` and `serve` share.
 */
#ifndef DMARCSIFT_OWNED_H
#define DMARCSIFT_OWNED_H

struct config;

/*
 * The names of `domains`, each checked by domain_check() and lower-cased,
 * as one comma-separated list in *out (the caller's, free(); NULL when the
 * setting is unset).  A name that is not one is said on stderr, with where
 * the setting came from: -1.
 */
int owned_domains(const struct config *cfg, char **out);

#endif

// The parsers' rule versions in a module of their own: the normalize pipeline's fingerprint needs them, and
// loading the parsers (the Matomo and bot lists) just for three numbers made every report start slower.

/** Bump when referrer classification rules change: the normalize pipeline re-parses mapping rows of older versions. */
export const REFERRER_PARSER_VERSION = 2

/** Bump when the IP mapping rules change, so the normalize pipeline re-looks-up cached rows. */
export const IP_PARSER_VERSION = 1

/** Bump when the user-agent rules change, so the normalize pipeline re-parses cached rows. */
export const UA_PARSER_VERSION = 2

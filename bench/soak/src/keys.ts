/** Two accounts, one live key each. */
export const KEYS = [
  { key: 'pk_live_soakAccountOne0000000000', account: 'acct_one' },
  { key: 'pk_live_soakAccountTwo0000000000', account: 'acct_two' },
] as const

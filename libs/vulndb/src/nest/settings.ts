export const VulndbJob = {
  Sync: 'vulndb-sync',
  Reevaluate: 'vulndb-reevaluate',
} as const;

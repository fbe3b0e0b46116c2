/** Dates as the user's locale shows them; missing values as a dash. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Expiry choices for new tokens → an ISO date, or undefined for "never". */
export function expiryFromDays(days: number | null, now: Date = new Date()): string | undefined {
  if (!days) return undefined;
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

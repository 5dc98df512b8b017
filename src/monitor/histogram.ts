/** Latency bucket upper bounds in ms, shared by the durable rollups and the report. The last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000] as const;

export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

export function emptyHistogram(): number[] {
  return new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
}

/**
 * Quantile estimate from bucket counts, interpolating linearly inside the
 * bucket (as Prometheus' histogram_quantile does). Null for no samples.
 */
export function quantileFromHistogram(hist: number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < hist.length; i++) {
    const count = hist[i]!;
    if (cumulative + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = i < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[i]! : lower;
      return lower + (upper - lower) * ((rank - cumulative) / count);
    }
    cumulative += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}

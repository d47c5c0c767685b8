/**
 * Group commits take batches whose sizes are powers of two.
 *
 * Prisma compiles each query shape once and caches the plan, but a `createMany` of n rows is a shape
 * of its own for every n (and a batch transaction is compiled as a whole), so group commits of
 * varying size were compiled afresh each time: 27% of a private REST read's CPU in the benchmark
 * profile. A flush that takes the largest power of two of the rows waiting (13 waiting: 8 now, the
 * other 5 with the next flush) needs about log2(MAX) shapes, all cached after warm-up.
 */
export function powerOfTwoAtMost(n: number): number {
  return n < 1 ? 0 : 2 ** Math.floor(Math.log2(n));
}

// Runs async jobs with at most `limit` in flight: the readers split big requests into many
// range reads, and issuing them all at once would hold every buffer in memory together (and
// flood an object store). Results keep the jobs' order.
export async function runLimited<T>(jobs: readonly (() => Promise<T>)[], limit = 8): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

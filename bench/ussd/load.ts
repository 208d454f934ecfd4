import { Agent, request } from 'node:http';

/** One request of a walk: the cumulative text a gateway would send. */
export interface WalkStep {
  text: string;
  /** The answer must start with this, or the run fails loudly. */
  expect: string;
}

export interface LoadOptions {
  port: number;
  /** The steps of one walk; a walk is one USSD session of one contact. */
  walk: readonly WalkStep[];
  serviceCode: string;
  concurrency: number;
  durationMs: number;
  /** When set, each virtual user walks exactly this often, untimed. */
  walksPerUser?: number;
  /** Phone number of virtual user `vu` (distinct contacts, no lock waits). */
  phoneOf(vu: number): string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function post(
  agent: Agent,
  port: number,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/ussd',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/**
 * Walks the menu with `concurrency` virtual users for `durationMs`: each
 * walk is a new USSD session, each request waits for the previous one, as
 * a person on a handset does. Latency is measured per request.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const stopAt = started + options.durationMs;
  let walkNumber = 0;
  const runId = Math.random().toString(36).slice(2, 8);

  async function user(vu: number): Promise<void> {
    let walks = 0;
    const isDone = () =>
      options.walksPerUser === undefined
        ? performance.now() >= stopAt
        : walks++ >= options.walksPerUser;
    while (!isDone()) {
      const sessionId = `bench_${runId}_${vu}_${walkNumber++}`;
      for (const step of options.walk) {
        const body = new URLSearchParams({
          sessionId,
          serviceCode: options.serviceCode,
          phoneNumber: options.phoneOf(vu),
          networkCode: '65501',
          text: step.text,
        }).toString();
        const t0 = performance.now();
        const response = await post(agent, options.port, body);
        latencies.push(performance.now() - t0);
        if (response.status !== 200 || !response.text.startsWith(step.expect)) {
          errors++;
          firstError ??= `${response.status} ${response.text.slice(0, 120)} (expected ${step.expect})`;
          break;
        }
      }
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrency }, (_, vu) => user(vu)),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  if (firstError) process.stderr.write(`first error: ${firstError}\n`);
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
  };
}

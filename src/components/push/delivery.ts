import type { EncodedPayload } from './notification-payload';
import type { PushDevice, PushProvider, SendOutcome } from './provider';

/** How hard delivery tries: attempts after the first, and the waits between them. */
export interface RetryPolicy {
  retries: number;
  /** First backoff in ms; doubled per attempt, with up to half again of jitter. */
  retryDelay: number;
  /** The longest wait honoured; a provider asking for more gets no further try from this send. */
  maxRetryDelay: number;
}

export type Sleep = (ms: number) => Promise<void>;

const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends to one device, trying again on answers worth it (429, 5xx, network) after the provider's
 * Retry-After or an exponential backoff. Answers the last outcome and the number of attempts.
 */
export async function sendWithRetries(
  provider: PushProvider,
  device: PushDevice,
  payload: EncodedPayload,
  policy: RetryPolicy,
  wait: Sleep = sleep,
): Promise<{ outcome: SendOutcome; attempts: number }> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await provider.send(device, payload);
    if (outcome.ok || !outcome.retryable || attempts > policy.retries) return { outcome, attempts };
    const backoff = policy.retryDelay * 2 ** (attempts - 1) * (1 + Math.random() / 2);
    const delay = outcome.retryAfterMs ?? backoff;
    if (delay > policy.maxRetryDelay) {
      return {
        outcome: {
          ...outcome,
          message: `${outcome.message}; it asked to wait ${Math.ceil(delay / 1000)} s, over maxRetryDelay`,
        },
        attempts,
      };
    }
    await wait(delay);
  }
}

/** Runs `work` over `items` with at most `concurrency` at once; answers results in item order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

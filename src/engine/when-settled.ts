import type { AnyActorRef, Subscription } from 'xstate';

/** How a flow's work ended: settled (or done), or failed with an error. */
export type SettleOutcome =
  { isSettled: true } | { isSettled: false; error: unknown };

/**
 * Resolves once no invoked work under `actor` is still running (or the
 * actor reached a final state), or with the error when the actor failed.
 * Only such a settled state is safe to persist: XState keeps a running
 * promise actor as its input alone, and restoring would run it again.
 *
 * Known limit: a long-lived callback or observable actor counts as work
 * for as long as it runs, so a flow that keeps one alive never settles and
 * its turns end abandoned; flows use promise actors and child machines.
 * Telling such listeners apart would need a marker on the actor's logic.
 *
 * Checks run on the next turn of the event loop after any change, because
 * a child reports "done" to its observers before the parent has handled it
 * (the parent may still invoke more work in response).
 */
export function whenSettled(actor: AnyActorRef): Promise<SettleOutcome> {
  return new Promise((resolve) => {
    const watched = new Set<AnyActorRef>();
    const subscriptions: Subscription[] = [];
    let isFinished = false;
    let isScheduled = false;

    const finish = (outcome: SettleOutcome): void => {
      isFinished = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      resolve(outcome);
    };
    const check = (): void => {
      isScheduled = false;
      if (isFinished) return;
      const outcome = settleState(actor);
      if (outcome) return finish(outcome);
      for (const child of activeDescendants(actor)) {
        if (watched.has(child)) continue;
        watched.add(child);
        subscriptions.push(child.subscribe(observer));
      }
    };
    const schedule = (): void => {
      if (isScheduled || isFinished) return;
      isScheduled = true;
      setImmediate(check);
    };
    const observer = { next: schedule, error: schedule, complete: schedule };
    subscriptions.push(actor.subscribe(observer));
    check();
  });
}

function settleState(actor: AnyActorRef): SettleOutcome | undefined {
  const snapshot = actor.getSnapshot() as { status: string; error?: unknown };
  if (snapshot.status === 'error') {
    return { isSettled: false, error: snapshot.error };
  }
  if (snapshot.status !== 'active') return { isSettled: true };
  return collectWork(actor, []) ? undefined : { isSettled: true };
}

/** Every running actor below `actor`, children of child machines included. */
function activeDescendants(actor: AnyActorRef): AnyActorRef[] {
  const found: AnyActorRef[] = [];
  collectWork(actor, found);
  return found;
}

/**
 * Collects the running actors below `ref` into `found` and tells whether
 * any of them is work (a promise, an observable, a callback). A child
 * machine that merely waits for events is not work itself, only what it
 * has invoked is: a flow may keep a child machine alive across turns.
 */
function collectWork(ref: AnyActorRef, found: AnyActorRef[]): boolean {
  const snapshot = ref.getSnapshot() as {
    children?: Record<string, AnyActorRef | undefined>;
  };
  let hasWork = false;
  for (const child of Object.values(snapshot.children ?? {})) {
    if (!child) continue;
    const childSnapshot = child.getSnapshot() as {
      status?: string;
      value?: unknown;
      children?: unknown;
    };
    if (childSnapshot.status !== 'active') continue;
    found.push(child);
    const isMachine = 'value' in childSnapshot && 'children' in childSnapshot;
    if (!isMachine || collectWork(child, found)) hasWork = true;
  }
  return hasWork;
}

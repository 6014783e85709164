import { ConfigurationError } from '../errors';
import type { RemotingContext } from './context';

/** An app's step in a remote invocation: call `next` (with an error to fail the call) or return a promise. */
export type RemotingPhaseHandler = (ctx: RemotingContext, next: (err?: unknown) => void) => unknown;

/**
 * loopline's own steps of an invocation, in the phases LB3 puts them in: access control is `auth`;
 * resolving the instance, the before-remote hooks, the call and the after-remote hooks are `invoke`.
 * The REST adapter runs them; they sit in the list so an app's handlers run around them in order.
 */
export type BuiltinRemotingStep = 'authorize' | 'resolveInstance' | 'beforeHooks' | 'invoke' | 'afterHooks';

export type RemotingStep = RemotingPhaseHandler | BuiltinRemotingStep;

type Stage = 'before' | 'use' | 'after';

/** One phase: its `before` handlers run first, then the main (`use`) ones, then the `after` ones. */
export class RemotingPhase {
  private readonly stages: Record<Stage, RemotingStep[]> = { before: [], use: [], after: [] };

  constructor(
    readonly id: string,
    private readonly changed: () => void,
  ) {}

  before(handler: RemotingPhaseHandler): this {
    return this.push('before', handler);
  }

  use(handler: RemotingPhaseHandler): this {
    return this.push('use', handler);
  }

  after(handler: RemotingPhaseHandler): this {
    return this.push('after', handler);
  }

  /** For RemoteObjects only: puts one of loopline's own steps into the phase. */
  addBuiltin(stage: Stage, step: BuiltinRemotingStep): void {
    this.stages[stage].push(step);
    this.changed();
  }

  steps(): RemotingStep[] {
    return [...this.stages.before, ...this.stages.use, ...this.stages.after];
  }

  toString(): string {
    return this.id;
  }

  private push(stage: Stage, handler: RemotingPhaseHandler): this {
    if (typeof handler !== 'function') {
      throw new ConfigurationError(
        `A handler of remoting phase "${this.id}" must be a function`,
        'INVALID_MIDDLEWARE',
      );
    }
    this.stages[stage].push(handler);
    this.changed();
    return this;
  }
}

/**
 * The phases every remote invocation goes through (`app.remotes().phases`), LB3's phase list:
 * `auth`, then `invoke`, and whatever phases an app adds between or around them
 * (`phases.addBefore('invoke', 'options-from-request').use(fn)`). Phases are never removed, so
 * access control cannot be taken out of the chain by accident. The flat list of steps is built
 * once per change, not per request; with no handler added it holds loopline's own steps only.
 */
export class RemotingPhaseList {
  private readonly phases: RemotingPhase[] = [];
  private flat: readonly RemotingStep[] | undefined;

  /** Adds a phase (or several) at the end; returns it (them). */
  add(name: string): RemotingPhase;
  add(names: string[]): RemotingPhase[];
  add(name: string | string[]): RemotingPhase | RemotingPhase[] {
    if (Array.isArray(name)) return name.map((n) => this.add(n));
    return this.addAt(this.phases.length, name);
  }

  addAt(index: number, name: string): RemotingPhase {
    if (typeof name !== 'string' || !name)
      throw new ConfigurationError('A remoting phase needs a name', 'UNKNOWN_PHASE');
    if (this.find(name))
      throw new ConfigurationError(`Remoting phase "${name}" already exists`, 'DUPLICATE_PHASE');
    const phase = new RemotingPhase(name, () => (this.flat = undefined));
    this.phases.splice(index, 0, phase);
    this.flat = undefined;
    return phase;
  }

  addBefore(before: string, name: string): RemotingPhase {
    return this.addAt(this.indexOf(before), name);
  }

  addAfter(after: string, name: string): RemotingPhase {
    return this.addAt(this.indexOf(after) + 1, name);
  }

  find(name: string): RemotingPhase | null {
    return this.phases.find((p) => p.id === name) ?? null;
  }

  findOrAdd(name: string): RemotingPhase {
    return this.find(name) ?? this.add(name);
  }

  first(): RemotingPhase | undefined {
    return this.phases[0];
  }

  last(): RemotingPhase | undefined {
    return this.phases[this.phases.length - 1];
  }

  toArray(): RemotingPhase[] {
    return [...this.phases];
  }

  getPhaseNames(): string[] {
    return this.phases.map((p) => p.id);
  }

  /** `registerHandler('invoke:before', fn)`: a handler for a phase, or its `:before`/`:after` stage. */
  registerHandler(phaseName: string, handler: RemotingPhaseHandler): void {
    const m = /^(.+):(before|after)$/.exec(phaseName);
    const phase = this.find(m ? m[1] : phaseName);
    if (!phase)
      throw new ConfigurationError(
        `Unknown remoting phase "${phaseName}" (known: ${this.getPhaseNames().join(', ')})`,
        'UNKNOWN_PHASE',
      );
    if (m?.[2] === 'before') phase.before(handler);
    else if (m?.[2] === 'after') phase.after(handler);
    else phase.use(handler);
  }

  /** Every step of an invocation, in order. */
  steps(): readonly RemotingStep[] {
    if (!this.flat) this.flat = Object.freeze(this.phases.flatMap((p) => p.steps()));
    return this.flat;
  }

  private indexOf(name: string): number {
    const index = this.phases.findIndex((p) => p.id === name);
    if (index < 0)
      throw new ConfigurationError(
        `Unknown remoting phase "${name}" (known: ${this.getPhaseNames().join(', ')})`,
        'UNKNOWN_PHASE',
      );
    return index;
  }
}

/** The list a new RemoteObjects starts with: LB3's `auth` and `invoke`, holding loopline's own steps. */
export function defaultRemotingPhases(): RemotingPhaseList {
  const list = new RemotingPhaseList();
  list.add('auth').addBuiltin('use', 'authorize');
  const invoke = list.add('invoke');
  invoke.addBuiltin('before', 'resolveInstance');
  invoke.addBuiltin('before', 'beforeHooks');
  invoke.addBuiltin('use', 'invoke');
  invoke.addBuiltin('after', 'afterHooks');
  return list;
}

import { EventEmitter } from 'events';

/** An instance of LB3's base connector class: an event emitter holding the options it was made with. */
export interface BaseConnector extends EventEmitter {
  options: unknown;
}

/**
 * LB3's `loopback.Connector`, callable both ways older connectors use it: as a class
 * (`class Mine extends loopback.Connector`) and as an ES5 parent (`loopback.Connector.call(this,
 * options)` after `util.inherits(Mine, loopback.Connector)`), which a JavaScript `class` refuses.
 */
export interface BaseConnectorClass {
  new (options?: unknown): BaseConnector;
  (this: BaseConnector, options?: unknown): void;
  readonly prototype: BaseConnector;
}

function Connector(this: BaseConnector, options?: unknown): void {
  EventEmitter.call(this);
  this.options = options;
}
Object.setPrototypeOf(Connector.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Connector, EventEmitter);

export const BaseConnector = Connector as unknown as BaseConnectorClass;

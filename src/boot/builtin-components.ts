/**
 * loopline's own components, by the names an app's config gives them, loaded only when named (push
 * brings its providers' libraries): `"loopline/push"` in component-config.json, or — as LB3 apps
 * had it — a data source whose connector is `loopback-component-push`, serving the models attached
 * to it as push models.
 */
type Component = (app: any, settings: unknown) => unknown;

interface PushModule {
  default: Component;
  defineBaseModels(registry: unknown): void;
}

const loadPush = (): PushModule => require('../components/push') as PushModule;

export const BUILTIN_COMPONENTS: Record<string, () => Component> = {
  'loopline/push': () => loadPush().default,
  'loopline/oauth2': () => (require('../components/oauth2') as { default: Component }).default,
};

/** LB3's push connector name; the data source itself holds nothing (a transient store). */
export const PUSH_CONNECTOR = 'loopback-component-push';

export function isPushDataSource(settings: Record<string, unknown>): boolean {
  return settings.connector === PUSH_CONNECTOR;
}

/**
 * Installation and Notification exist in the registry before the app's models are read, so an
 * app model may name them as its base, as LB3 apps do.
 */
export function definePushBaseModels(registry: unknown): void {
  loadPush().defineBaseModels(registry);
}

/**
 * The component run for each model attached to an LB3 push data source, with the data source's
 * `installation`, `notification` and `application` model names (LB3's settings).
 */
export function pushDataSourceComponent(
  modelName: string,
  settings: Record<string, unknown>,
): (app: any) => unknown {
  const names: Record<string, unknown> = { name: modelName };
  for (const key of ['installation', 'notification', 'application'] as const)
    if (typeof settings[key] === 'string') names[key] = settings[key];
  return (app) => loadPush().default(app, { ...((settings.push as object | undefined) ?? {}), ...names });
}

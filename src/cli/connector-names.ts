import { registeredConnectorNames, candidateModules } from '../juggler';
import { closest } from './suggest';

const LB3_PREFIX = 'loopback-connector-';

/** The connector names `datasource` offers: the registry's, so a connector registered later is offered too. */
export function connectorNames(): string[] {
  return registeredConnectorNames();
}

/** The registered name a connector setting stands for (`loopback-connector-postgresql` → `postgresql`), or undefined for a package of its own. */
export function registeredName(connector: string): string | undefined {
  const name = connector.startsWith(LB3_PREFIX) ? connector.slice(LB3_PREFIX.length) : connector;
  return registeredConnectorNames().includes(name) ? name : undefined;
}

function installedPackage(connector: string, appRoot: string): string | undefined {
  for (const candidate of candidateModules(connector)) {
    try {
      require.resolve(candidate, { paths: [appRoot] });
      return candidate;
    } catch {
      // not installed under this name
    }
  }
  return undefined;
}

/**
 * Why boot could not load `connector` for the app in `appRoot`, or undefined when it can: boot
 * takes a registered name, LB3's package name of one, or an LB3 connector package the app has
 * installed (`npm install loopback-connector-mongodb`).
 */
export function connectorProblem(connector: string, appRoot: string): string | undefined {
  if (registeredName(connector) || installedPackage(connector, appRoot)) return undefined;
  const names = connectorNames();
  const near = closest(connector.replace(LB3_PREFIX, ''), names);
  return `"${connector}" is not a connector loopline has (${names.join(', ')})${near ? `; did you mean ${near}?` : ''}, nor an installed LB3 connector package (npm install ${candidateModules(connector)[0]} first to use one).`;
}

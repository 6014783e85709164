import * as fs from 'fs';
import * as path from 'path';
import { stringFlag } from '../args';
import { editJson, findApp, readDataSources } from '../app-layout';
import { obtain, obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command, FlagSpec } from '../command';
import { connectorNames, connectorProblem } from '../connector-names';
import {
  addNativeDriver,
  defaultPort,
  keepsAFile,
  nativeDriverOf,
  SERVER_SETTINGS,
} from '../connector-settings';
import { writeJson } from '../json-file';

export function dataSourceNameProblem(name: string): string | undefined {
  return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(name)
    ? undefined
    : `"${name}" cannot name a data source: use letters, digits, _, - or $, starting with a letter.`;
}

function portProblem(value: string): string | undefined {
  return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535
    ? undefined
    : `must be a number from 1 to 65535; got "${value}".`;
}

const SETTING_FLAGS: Record<string, FlagSpec> = {
  file: { kind: 'string', value: 'path', help: 'memory (and sqlite): the file the data is kept in' },
  host: { kind: 'string', value: 'host', help: 'database server host' },
  port: { kind: 'string', value: 'port', help: 'database server port' },
  database: { kind: 'string', value: 'name', help: 'database name' },
  user: { kind: 'string', value: 'user', help: 'database user' },
  password: { kind: 'string', value: 'password', help: 'database password' },
  url: { kind: 'string', value: 'url', help: 'connection URL, instead of host/port/database/user/password' },
};

export const datasourceCommand: Command = {
  name: 'datasource',
  summary: 'add a data source to server/datasources.json',
  flags: {
    name: { kind: 'string', value: 'name', help: 'the data source name, e.g. db or pg' },
    connector: {
      kind: 'string',
      value: 'connector',
      // Read when the help is shown, so a connector registered since is listed.
      get help() {
        return `a connector loopline has (${connectorNames().join(', ')}), LB3's package name of one (loopback-connector-postgresql), or an installed LB3 connector package`;
      },
    },
    ...SETTING_FLAGS,
  },
  examples: [
    'datasource --name pg --connector postgresql --host 127.0.0.1 --database shop --user postgres',
    'datasource --name cache --connector memory --file server/data/cache.json',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const existing = readDataSources(app);
    const givenName = stringFlag(args, 'name');
    if (givenName !== undefined && givenName in existing)
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `server/datasources.json already has a data source "${givenName}"; edit it there or pick another --name.`,
      );
    const name = await obtainRequired(
      ctx,
      'datasource',
      {
        flag: '--name',
        given: givenName,
        message: 'Data source name',
        check: (n) =>
          dataSourceNameProblem(n) ??
          (n in existing ? `server/datasources.json already has a data source "${n}".` : undefined),
      },
      'loopline datasource --name pg --connector postgresql --database shop',
    );
    const givenConnector = stringFlag(args, 'connector');
    let connector: string | undefined;
    if (givenConnector !== undefined) {
      const problem = connectorProblem(givenConnector, app.root);
      if (problem) throw new CliError('CLI_INVALID_VALUE', `loopline datasource: --connector ${problem}`);
      connector = givenConnector;
    } else if (p)
      connector = await p.choose({ message: 'Connector', choices: connectorNames(), default: 'memory' });
    if (!connector)
      throw new CliError(
        'CLI_USAGE',
        'loopline datasource needs --name and --connector, e.g. "loopline datasource --name pg --connector postgresql --database shop".',
      );
    const entry: Record<string, unknown> = { name, connector };
    if (connector === 'memory' || connector === 'loopback-connector-memory') {
      for (const flag of SERVER_SETTINGS)
        if (stringFlag(args, flag) !== undefined)
          throw new CliError(
            'CLI_INVALID_VALUE',
            `--${flag} is a setting of database servers; the memory connector takes only --file.`,
          );
    }
    const port = defaultPort(connector);
    const asked: Record<string, string | undefined> = port
      ? { host: 'localhost', port: String(port), database: name, user: '', password: '' }
      : keepsAFile(connector) && connector !== 'memory'
        ? { file: `server/data/${name}.db` }
        : {};
    for (const flag of Object.keys(SETTING_FLAGS)) {
      const given = stringFlag(args, flag);
      const check = flag === 'port' ? portProblem : undefined;
      // At a terminal only the connector's own settings are asked for; any may come as a flag.
      const value =
        flag in asked || given !== undefined
          ? await obtain(ctx, {
              flag: `--${flag}`,
              given,
              message: flag,
              default: p ? asked[flag] : undefined,
              check,
            })
          : undefined;
      if (value === undefined || value === '') continue;
      entry[flag] = flag === 'port' ? Number(value) : value;
    }
    const file = path.join(app.serverDir, 'datasources.json');
    if (!fs.existsSync(file)) writeJson(file, {});
    editJson(file, (sources) => {
      sources[name] = entry;
    });
    ctx.log(`Added data source "${name}" (${connector}) to ${path.relative(ctx.cwd, file)}.`);
    const driver = nativeDriverOf(connector);
    const pkgFile = path.join(app.root, 'package.json');
    if (driver && fs.existsSync(pkgFile)) {
      let added = false;
      editJson(pkgFile, (pkg) => {
        added = addNativeDriver(pkg, connector);
      });
      if (added)
        ctx.log(
          `Added ${driver.dependency} (${driver.range}, its build allowed in allowScripts) to package.json: run npm install.`,
        );
    }
  },
};

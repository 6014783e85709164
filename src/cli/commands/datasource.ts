import * as fs from 'fs';
import * as path from 'path';
import { oneOf, parseArgs, stringFlag } from '../args';
import { editJson, findApp } from '../app-layout';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { writeJson } from '../json-file';

const CONNECTORS = ['memory', 'postgresql', 'mysql'] as const;
const SQL_SETTINGS = ['host', 'port', 'database', 'user', 'password', 'url'] as const;

export const datasourceCommand: Command = {
  name: 'datasource',
  usage: 'datasource --name <name> --connector <memory|postgresql|mysql> [--file f] [--host h] [--port n] [--database d] [--user u] [--password p] [--url u]',
  async run(argv, ctx) {
    const args = parseArgs(argv, { name: 'string', connector: 'string', file: 'string', host: 'string', port: 'string', database: 'string', user: 'string', password: 'string', url: 'string' }, 'datasource');
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const name = stringFlag(args, 'name') ?? (p ? await p.ask('Data source name', 'db') : undefined);
    const rawConnector = stringFlag(args, 'connector') ?? (p ? await p.ask(`Connector [${CONNECTORS.join('|')}]`, 'memory') : undefined);
    if (!name || !rawConnector) throw new CliError('CLI_USAGE', 'loopline datasource needs --name and --connector, e.g. "loopline datasource --name pg --connector postgresql --database shop".');
    if (!/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(name)) throw new CliError('CLI_INVALID_VALUE', `--name "${name}" cannot name a data source: use letters, digits, _, - or $.`);
    const connector = oneOf('datasource', 'connector', rawConnector, CONNECTORS);
    const entry: Record<string, unknown> = { name, connector };
    if (connector === 'memory') {
      for (const flag of SQL_SETTINGS) if (stringFlag(args, flag) !== undefined) throw new CliError('CLI_INVALID_VALUE', `--${flag} is a setting of SQL connectors; the memory connector takes only --file.`);
      const file = stringFlag(args, 'file');
      if (file) entry.file = file;
    } else {
      if (stringFlag(args, 'file') !== undefined) throw new CliError('CLI_INVALID_VALUE', '--file is a setting of the memory connector only.');
      const defaults: Record<string, string> = { host: 'localhost', port: connector === 'postgresql' ? '5432' : '3306', database: '', user: '', password: '' };
      for (const flag of SQL_SETTINGS) {
        let value = stringFlag(args, flag);
        if (value === undefined && p && flag !== 'url') value = await p.ask(`${flag}`, defaults[flag]);
        if (value === undefined || value === '') continue;
        if (flag === 'port') {
          if (!/^\d+$/.test(value) || Number(value) > 65535) throw new CliError('CLI_INVALID_VALUE', `--port must be a number from 1 to 65535; got "${value}".`);
          entry.port = Number(value);
        } else entry[flag] = value;
      }
    }
    const file = path.join(app.serverDir, 'datasources.json');
    if (!fs.existsSync(file)) writeJson(file, {});
    editJson(file, (sources) => {
      if (name in sources) throw new CliError('CLI_ALREADY_EXISTS', `server/datasources.json already has a data source "${name}"; edit it there or pick another --name.`);
      sources[name] = entry;
    });
    ctx.log(`Added data source "${name}" (${connector}) to ${path.relative(ctx.cwd, file)}.`);
  },
};

import * as path from 'path';
import { editJson, modelFiles, readDataSources } from './app-layout';
import type { AppLayout } from './app-layout';
import { CliError } from './cli-error';
import type { CliContext } from './command';
import { readJson } from './json-file';

/** The built-in models a User-based model works with: its tokens, roles and ACL entries. */
export const AUTH_MODELS = ['AccessToken', 'ACL', 'RoleMapping', 'Role'] as const;

/** Whether `base` is `User` or an app model that extends it, however deep. */
export function basedOnUser(app: AppLayout, base: string): boolean {
  const files = modelFiles(app);
  const seen = new Set<string>();
  for (let name: unknown = base; typeof name === 'string' && !seen.has(name);) {
    if (name === 'User') return true;
    seen.add(name);
    const file = files.get(name);
    name = file ? readJson(file).base : undefined;
  }
  return false;
}

/**
 * A model based on User logs people in; its AccessTokens (and the Role, RoleMapping and ACL rows
 * behind its roles) live wherever model-config.json puts those built-ins. Left on the app's
 * memory `db` while the users move to PostgreSQL, every login would vanish on restart, silently.
 * So when a User-based model goes on another data source, the built-ins are offered the same one:
 * `--builtins-datasource <ds>` puts them on <ds>, `--no-builtins-datasource` leaves them; without
 * either, a terminal asks (yes by default) and a script moves them (and says so).
 */
export async function offerAuthModels(
  app: AppLayout,
  ctx: CliContext,
  model: string,
  dataSource: string,
  choice: string | false | undefined,
): Promise<void> {
  if (choice === false) return;
  const configFile = path.join(app.serverDir, 'model-config.json');
  const config = readJson(configFile);
  const target = choice ?? dataSource;
  if (choice !== undefined && !(choice in readDataSources(app)))
    throw new CliError(
      'CLI_UNKNOWN_DATASOURCE',
      `--builtins-datasource "${choice}" is not in server/datasources.json.`,
    );
  const elsewhere = AUTH_MODELS.filter((m) => config[m]?.dataSource !== target);
  if (!elsewhere.length) return;
  const where = [...new Set(elsewhere.map((m) => String(config[m]?.dataSource ?? 'nowhere')))].join(', ');
  if (choice === undefined && ctx.prompter) {
    const yes = await ctx.prompter.confirm({
      message: `${model} (based on User) is on "${dataSource}", but ${elsewhere.join(', ')} are on "${where}": its logins and roles would be kept there. Put them on "${target}" too?`,
      default: true,
    });
    if (!yes) return;
  }
  editJson(configFile, (c) => {
    for (const m of elsewhere) c[m] = { ...(c[m] ?? { public: false }), dataSource: target };
  });
  ctx.log(
    `${elsewhere.join(', ')} now use data source "${target}" too (they were on "${where}"), so ${model}'s access tokens and roles are kept with it${choice === undefined && !ctx.prompter ? '; --no-builtins-datasource leaves them where they were' : ''}.`,
  );
}

import * as path from 'path';
import { oneOf, parseArgs, stringFlag } from '../args';
import { editJson, findApp, modelFile } from '../app-layout';
import { CliError } from '../cli-error';
import type { Command } from '../command';

const ACCESS_TYPES = ['*', 'READ', 'WRITE', 'EXECUTE'];
const PRINCIPAL_TYPES = ['ROLE', 'USER', 'APP'];
const PERMISSIONS = ['ALLOW', 'DENY'];

export const aclCommand: Command = {
  name: 'acl',
  usage: 'acl --model <Model> --principalType <ROLE|USER|APP> --principalId <$everyone|$authenticated|$owner|id> --permission <ALLOW|DENY> [--accessType <*|READ|WRITE|EXECUTE>] [--property method]',
  async run(argv, ctx) {
    const args = parseArgs(argv, { model: 'string', accessType: 'string', principalType: 'string', principalId: 'string', permission: 'string', property: 'string' }, 'acl');
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const model = stringFlag(args, 'model') ?? (p ? await p.ask('Model') : undefined);
    const principalType = stringFlag(args, 'principalType') ?? (p ? await p.ask('Principal type [ROLE|USER|APP]', 'ROLE') : undefined);
    const principalId = stringFlag(args, 'principalId') ?? (p ? await p.ask('Principal id ($everyone, $authenticated, $unauthenticated, $owner, a role name or an id)', '$everyone') : undefined);
    const permission = stringFlag(args, 'permission') ?? (p ? await p.ask('Permission [ALLOW|DENY]', 'ALLOW') : undefined);
    if (!model || !principalType || !principalId || !permission) {
      throw new CliError('CLI_USAGE', 'loopline acl needs --model, --principalType, --principalId and --permission, e.g. "loopline acl --model Order --principalType ROLE --principalId $everyone --permission DENY".');
    }
    const accessType = stringFlag(args, 'accessType') ?? (p ? await p.ask('Access type [*|READ|WRITE|EXECUTE]', '*') : '*');
    const property = stringFlag(args, 'property') ?? (p ? await p.ask('Method or property (empty for all)', '') : '');
    const entry: Record<string, unknown> = {
      accessType: oneOf('acl', 'accessType', accessType, ACCESS_TYPES),
      principalType: oneOf('acl', 'principalType', principalType, PRINCIPAL_TYPES),
      principalId,
      permission: oneOf('acl', 'permission', permission, PERMISSIONS),
    };
    if (property) entry.property = property;
    const file = modelFile(app, model);
    editJson(file, (def) => {
      def.acls = [...(Array.isArray(def.acls) ? def.acls : []), entry];
    });
    ctx.log(`Added to ${path.relative(ctx.cwd, file)}: ${entry.permission} ${entry.accessType} ${property || '*'} for ${entry.principalType} ${principalId}.`);
  },
};

import * as path from 'path';
import { booleanFlag, findOneOf, notOneOf, stringFlag } from '../args';
import { editJson, findApp, modelFile, modelFiles } from '../app-layout';
import { obtain, obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { readJson } from '../json-file';
import { aclPropertyNames } from '../model-methods';
import { closest } from '../suggest';

const ACCESS_TYPES = ['*', 'READ', 'WRITE', 'EXECUTE'];
const PRINCIPAL_TYPES = ['ROLE', 'USER', 'APP'];
const PERMISSIONS = ['ALLOW', 'DENY'];
/** The roles loopline resolves itself; a role without `$` is one of the app's Role rows. */
const BUILTIN_ROLES = ['$everyone', '$authenticated', '$unauthenticated', '$owner', '$related'];

type AclEntry = Record<string, unknown>;

function principalProblem(type: string, id: string): string | undefined {
  if (id === '')
    return type === 'ROLE'
      ? 'a role is needed ($everyone, $authenticated, $unauthenticated, $owner, or a role name).'
      : `a ${type} principal needs the ${type === 'USER' ? "user's" : "application's"} id.`;
  if (type === 'ROLE' && id.startsWith('$') && !BUILTIN_ROLES.includes(id)) {
    const near = closest(id, BUILTIN_ROLES);
    return `"${id}" is not a built-in role (${BUILTIN_ROLES.join(', ')})${near ? `; did you mean ${near}?` : ''}`;
  }
  if (type !== 'ROLE' && id.startsWith('$'))
    return `"${id}" is a role, not a ${type} id: use --principalType ROLE, or give the ${type === 'USER' ? "user's" : "application's"} id.`;
  return undefined;
}

function sameEntry(a: AclEntry, b: AclEntry): boolean {
  return ['accessType', 'principalType', 'principalId', 'permission', 'property'].every(
    (k) =>
      String(a[k] ?? (k === 'accessType' ? '*' : '')) === String(b[k] ?? (k === 'accessType' ? '*' : '')),
  );
}

function describe(e: AclEntry): string {
  return `${e.permission} ${e.accessType ?? '*'} ${e.property ?? '*'} for ${e.principalType} ${e.principalId}`;
}

const EXAMPLE = 'loopline acl --model Order --principalType ROLE --principalId $everyone --permission DENY';

export const aclCommand: Command = {
  name: 'acl',
  summary: "add an ACL entry to a model's JSON, or remove one (--remove)",
  flags: {
    model: { kind: 'string', value: 'Model', help: 'the model' },
    principalType: { kind: 'string', value: 'type', help: 'ROLE, USER or APP' },
    principalId: {
      kind: 'string',
      value: 'id',
      help: `for ROLE: ${BUILTIN_ROLES.join(', ')} or a role name; for USER and APP: an id`,
    },
    permission: { kind: 'string', value: 'permission', help: 'ALLOW or DENY' },
    accessType: { kind: 'string', value: 'type', help: '*, READ, WRITE or EXECUTE (default *)' },
    property: {
      kind: 'string',
      value: 'method',
      help: 'a remote method (find, create, login, __get__orders…) or property of the model (default: all)',
    },
    remove: { kind: 'boolean', help: 'remove the entry the other flags describe instead of adding it' },
  },
  examples: [
    'acl --model Order --principalType ROLE --principalId $everyone --permission DENY',
    'acl --model Order --principalType ROLE --principalId $authenticated --permission ALLOW --accessType READ --property find',
    'acl --remove --model Order --principalType ROLE --principalId $everyone --permission DENY',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const remove = booleanFlag(args, 'remove') === true;
    if (
      !p &&
      ['model', 'principalType', 'principalId', 'permission'].some((f) => stringFlag(args, f) === undefined)
    )
      throw new CliError(
        'CLI_USAGE',
        `loopline acl needs --model, --principalType, --principalId and --permission, e.g. "${EXAMPLE}".`,
      );
    const model =
      stringFlag(args, 'model') ??
      (await p!.choose({ message: 'Model', choices: [...modelFiles(app).keys()] }));
    const file = modelFile(app, model);
    const pick = async (
      flag: string,
      choices: string[],
      message: string,
      fallback: string,
    ): Promise<string> => {
      const given = stringFlag(args, flag);
      if (given === undefined) return p!.choose({ message, choices, default: fallback });
      const hit = findOneOf(given, choices);
      if (!hit) throw new CliError('CLI_INVALID_VALUE', `--${flag} ${notOneOf(given, choices)}.`);
      return hit;
    };
    const principalType = await pick('principalType', PRINCIPAL_TYPES, 'Principal type', 'ROLE');
    const givenId = stringFlag(args, 'principalId');
    if (givenId !== undefined && principalProblem(principalType, givenId))
      throw new CliError(
        'CLI_UNKNOWN_PRINCIPAL',
        `--principalId ${principalProblem(principalType, givenId)}`,
      );
    const principalId = await obtainRequired(
      ctx,
      'acl',
      {
        flag: '--principalId',
        given: givenId,
        message:
          principalType === 'ROLE'
            ? `Role (${BUILTIN_ROLES.join(', ')}, or a role name)`
            : `${principalType} id`,
        default: principalType === 'ROLE' ? '$everyone' : undefined,
        check: (id) => principalProblem(principalType, id),
      },
      EXAMPLE,
    );
    const permission = await pick('permission', PERMISSIONS, 'Permission', 'ALLOW');
    const accessType =
      stringFlag(args, 'accessType') === undefined && !p
        ? '*'
        : await pick('accessType', ACCESS_TYPES, 'Access type', '*');
    const known = aclPropertyNames(app, model);
    const propertyProblem = (name: string) => {
      if (name === '' || name === '*' || known.has(name)) return undefined;
      const near = closest(name, known);
      return `${model} has no remote method or property "${name}"${near ? `; did you mean ${near}?` : ''} (its methods include ${[...known].slice(0, 8).join(', ')}…)`;
    };
    const givenProperty = stringFlag(args, 'property');
    if (givenProperty !== undefined && propertyProblem(givenProperty))
      throw new CliError('CLI_UNKNOWN_METHOD', `--property: ${propertyProblem(givenProperty)}`);
    const property =
      (await obtain(ctx, {
        flag: '--property',
        given: givenProperty,
        message: 'Method or property (empty for all)',
        default: '',
        check: propertyProblem,
      })) ?? '';
    const entry: AclEntry = {
      accessType,
      principalType,
      principalId,
      permission,
      ...(property && property !== '*' ? { property } : {}),
    };
    const acls: AclEntry[] = Array.isArray(readJson(file).acls) ? readJson(file).acls : [];
    const matching = acls.filter((a) => sameEntry(a, entry));
    if (remove) {
      if (!matching.length)
        throw new CliError(
          'CLI_NOT_FOUND',
          `${model} has no ACL entry ${describe(entry)}; its entries: ${acls.map(describe).join('; ') || 'none'}.`,
        );
      editJson(file, (def) => {
        def.acls = acls.filter((a) => !sameEntry(a, entry));
      });
      ctx.log(`Removed from ${path.relative(ctx.cwd, file)}: ${describe(entry)}.`);
      return;
    }
    if (matching.length)
      throw new CliError('CLI_ALREADY_EXISTS', `${model} already has the ACL entry ${describe(entry)}.`);
    editJson(file, (def) => {
      def.acls = [...acls, entry];
    });
    ctx.log(`Added to ${path.relative(ctx.cwd, file)}: ${describe(entry)}.`);
  },
};

import request from 'supertest';
import { authApp } from '../../support/auth-app';

/**
 * When argument errors are raised, as observed on LB3 for the same app: a value that is not of
 * its type ("not a number") is refused before the ACL check and the before-remote hooks; a missing
 * required argument, an invalid date and a refused filter only after them, so a hook can fill in
 * or rewrite the argument, and an anonymous caller is told 401 before anything about its input.
 */
function build() {
  let hookCalls = 0;
  const { app, models } = authApp((registry) => {
    const Note = registry.createModel({
      name: 'Note',
      base: 'PersistedModel',
      properties: { title: 'string', secret: 'string' },
      hidden: ['secret'],
      acls: [
        { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: ['greet', 'find'] },
        { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: 'count' },
      ],
    });
    Note.greet = async (name: string, when: Date | undefined, n: number | undefined) => ({ name, when, n });
    Note.remoteMethod('greet', {
      accepts: [
        { arg: 'name', type: 'string', required: true },
        { arg: 'when', type: 'date' },
        { arg: 'n', type: 'number' },
      ],
      returns: { arg: 'r', type: 'object', root: true },
      http: { verb: 'get' },
    });
    return [Note];
  });
  const [Note] = models;
  const hook = (ctx: any, _u: unknown, next: () => void) => {
    hookCalls++;
    const q = ctx.req.query;
    if (q.fill) ctx.args.name = 'filled';
    if (q.fixdate) ctx.args.when = new Date(0);
    if (q.replaceFilter) ctx.args.filter = { where: { title: 'b' } };
    if (q.addHidden) {
      ctx.args.filter = ctx.args.filter ?? {};
      ctx.args.filter.where = { ...(ctx.args.filter.where ?? {}), secret: 's1' };
    }
    next();
  };
  Note.beforeRemote('greet', hook);
  Note.beforeRemote('find', hook);
  Note.beforeRemote('count', hook);
  return { app, Note, hookCalls: () => hookCalls };
}

describe('argument checks: before or after the ACL check and the before-remote hooks (as LB3)', () => {
  let t: ReturnType<typeof build>;
  beforeAll(async () => {
    t = build();
    await t.Note.create([
      { title: 'a', secret: 's1' },
      { title: 'b', secret: 's2' },
    ]);
  });

  it('a missing required argument is refused after the hooks ran', async () => {
    const before = t.hookCalls();
    const res = await request(t.app).get('/api/Notes/greet');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      message: 'name is a required argument',
      code: 'INVALID_ARGUMENT',
    });
    expect(t.hookCalls()).toBe(before + 1);
  });

  it('a before-remote hook may fill in a required argument (an empty string counts as missing)', async () => {
    expect((await request(t.app).get('/api/Notes/greet?fill=1')).body).toEqual({ name: 'filled' });
    expect((await request(t.app).get('/api/Notes/greet?name=&fill=1')).body).toEqual({ name: 'filled' });
  });

  it('an invalid date is refused after the hooks, which may replace it', async () => {
    const bad = await request(t.app).get('/api/Notes/greet?name=a&when=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Invalid argument "when". Value is not a valid date.');
    const fixed = await request(t.app).get('/api/Notes/greet?name=a&when=abc&fixdate=1');
    expect(fixed.status).toBe(200);
    expect(fixed.body).toEqual({ name: 'a', when: '1970-01-01T00:00:00.000Z' });
  });

  it('a value that is not of its type is refused before the hooks', async () => {
    const before = t.hookCalls();
    const res = await request(t.app).get('/api/Notes/greet?name=a&n=abc');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Value is not a number.');
    expect(t.hookCalls()).toBe(before);
  });

  it('an anonymous caller denied by the ACL gets 401 before its bad filter is looked at', async () => {
    const before = t.hookCalls();
    const res = await request(t.app)
      .get('/api/Notes/count')
      .query({ where: JSON.stringify({ secret: 's1' }) });
    expect(res.status).toBe(401);
    expect(t.hookCalls()).toBe(before);
  });

  it("a filter naming a hidden property is refused after the hooks; a hook's own additions are not checked", async () => {
    const before = t.hookCalls();
    const probe = await request(t.app)
      .get('/api/Notes')
      .query({ filter: JSON.stringify({ where: { secret: 's1' } }) });
    expect(probe.status).toBe(400);
    expect(probe.body.error.code).toBe('INVALID_FILTER');
    expect(t.hookCalls()).toBe(before + 1);
    // The hook adds the hidden condition itself: allowed.
    const server = await request(t.app).get('/api/Notes?addHidden=1');
    expect(server.status).toBe(200);
    expect(server.body).toEqual([{ id: 1, title: 'a' }]);
  });

  it("a hook that changes the client's filter in place does not launder it; one that replaces it takes it over", async () => {
    const inPlace = await request(t.app)
      .get('/api/Notes?addHidden=1')
      .query({ filter: JSON.stringify({ where: { secret: 's2' } }) });
    expect(inPlace.status).toBe(400);
    expect(inPlace.body.error.code).toBe('INVALID_FILTER');
    const replaced = await request(t.app)
      .get('/api/Notes?replaceFilter=1')
      .query({ filter: JSON.stringify({ where: { secret: 's1' } }) });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual([{ id: 2, title: 'b' }]);
  });
});

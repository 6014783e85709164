import request from 'supertest';
import loopback from '../../../src';

/**
 * LB3's `Model.setupRemoting()`: the built-in remote methods defined again from the model's
 * settings as they are now, so a setting changed after the model was remoted (replaceOnPUT)
 * reaches its routes; a method disabled before stays disabled.
 */
describe('Model.setupRemoting()', () => {
  it('redefines the built-in methods from the current settings, keeping disabled ones off', async () => {
    const app: any = loopback({ localRegistry: true } as any);
    app.dataSource('db', { connector: 'memory' });
    const Widget = app.registry.createModel(
      'Widget',
      { name: 'string', size: 'number' },
      { replaceOnPUT: false },
    );
    app.model(Widget, { dataSource: 'db' });
    app.use('/api', loopback.rest());
    Widget.disableRemoteMethodByName('deleteById');
    const w = await Widget.create({ name: 'w', size: 1 });

    // replaceOnPUT false: PUT /Widgets/{id} patches.
    await request(app).put(`/api/Widgets/${w.id}`).send({ name: 'patched' }).expect(200);
    expect((await Widget.findById(w.id)).toJSON()).toEqual({ name: 'patched', size: 1, id: w.id });

    Widget.settings.replaceOnPUT = true;
    Widget.setupRemoting();
    // Now PUT /Widgets/{id} replaces: the property left out is gone.
    await request(app).put(`/api/Widgets/${w.id}`).send({ name: 'replaced' }).expect(200);
    expect((await Widget.findById(w.id)).toJSON()).toEqual({ name: 'replaced', id: w.id });
    expect((await request(app).delete(`/api/Widgets/${w.id}`)).status).toBe(404);
  });
});

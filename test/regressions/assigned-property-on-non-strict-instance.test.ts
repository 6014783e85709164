import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';

/**
 * Cause: a value assigned straight onto an instance of a non-strict model (`inst.name = 'b'` for a
 * property the model does not define) stayed a plain JS property and was never written, so LB3
 * code doing `inst.name = x; inst.save()` lost the edit (and replication saw no change). LB3 kept
 * it; a strict model still refuses unknown properties.
 */
describe('a property assigned onto an instance', () => {
  it('is stored by save() on a non-strict model, and read back', async () => {
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Loose = ds.createModel('Loose', { id: { type: 'string', id: true } }, { strict: false });
    const inst: any = await Loose.create({ id: 'a' });
    inst.name = 'assigned';
    await inst.save();
    expect((await Loose.findById('a'))!.toObject()).toEqual({ id: 'a', name: 'assigned' });
    expect(inst.toObject()).toEqual({ id: 'a', name: 'assigned' });
    inst.name = 'again';
    await inst.save();
    expect(((await Loose.findById('a')) as any).name).toBe('again');
  });

  it('is not stored on a strict model', async () => {
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Tight = ds.createModel(
      'Tight',
      { id: { type: 'string', id: true }, title: 'string' },
      { strict: true },
    );
    const inst: any = await Tight.create({ id: 'a', title: 't' });
    inst.name = 'assigned';
    await inst.save();
    expect((await Tight.findById('a'))!.toObject()).toEqual({ id: 'a', title: 't' });
  });
});

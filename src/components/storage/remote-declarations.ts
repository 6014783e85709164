/**
 * The REST face of a storage model, as LB3's loopback-component-storage declared it: the same
 * paths, arguments and answers, so an LB3 client of `/containers/...` keeps working. Each entry is
 * put on the function a model gets (`shared`, `accepts`, `returns`, `http`), the declaration LB3
 * read from such functions.
 */
const CONTAINER = { arg: 'container', type: 'string', required: true, http: { source: 'path' } };
const FILE = { arg: 'file', type: 'string', required: true, http: { source: 'path' } };
const REQ = { arg: 'req', type: 'object', http: { source: 'req' } };
const RES = { arg: 'res', type: 'object', http: { source: 'res' } };

export const REMOTE_DECLARATIONS: Readonly<Record<string, Record<string, unknown>>> = {
  getContainers: {
    description: 'List the containers.',
    accepts: [],
    returns: { arg: 'containers', type: 'array', root: true },
    http: { verb: 'get', path: '/' },
  },
  getContainer: {
    description: 'Get the metadata of a container.',
    accepts: [CONTAINER],
    returns: { arg: 'container', type: 'object', root: true },
    http: { verb: 'get', path: '/:container' },
  },
  createContainer: {
    description: 'Create a container: the body is `{"name": "..."}`.',
    accepts: [{ arg: 'options', type: 'object', http: { source: 'body' } }],
    returns: { arg: 'container', type: 'object', root: true },
    http: { verb: 'post', path: '/' },
  },
  destroyContainer: {
    description: 'Delete a container and every file in it.',
    accepts: [CONTAINER],
    returns: {},
    http: { verb: 'delete', path: '/:container' },
  },
  getFiles: {
    description: 'List the files of a container.',
    accepts: [CONTAINER],
    returns: { arg: 'files', type: 'array', root: true },
    http: { verb: 'get', path: '/:container/files' },
  },
  getFile: {
    description: 'Get the metadata of a file.',
    accepts: [CONTAINER, FILE],
    returns: { arg: 'file', type: 'object', root: true },
    http: { verb: 'get', path: '/:container/files/:file' },
  },
  removeFile: {
    description: 'Delete a file.',
    accepts: [CONTAINER, FILE],
    returns: {},
    http: { verb: 'delete', path: '/:container/files/:file' },
  },
  upload: {
    description:
      'Upload files into a container: a multipart/form-data body with one or more file parts (any field names) and plain fields.',
    accepts: [
      CONTAINER,
      REQ,
      RES,
      // Read from the multipart body by the method itself; declared so API descriptions (and
      // the explorer's "Try it out") offer a file to send.
      {
        arg: 'file',
        type: 'file',
        http: { source: 'formData' },
        description: 'A file to upload (the form may hold several, under any field names).',
      },
    ],
    returns: { arg: 'result', type: 'object' },
    http: { verb: 'post', path: '/:container/upload' },
  },
  download: {
    description: 'Download a file (Range requests answer 206 with the bytes asked for).',
    accepts: [CONTAINER, FILE, REQ, RES],
    http: { verb: 'get', path: '/:container/download/:file' },
  },
};

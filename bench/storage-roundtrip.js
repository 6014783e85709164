'use strict';
/**
 * A large file through loopline's storage component and back, over HTTP on 127.0.0.1: the
 * upload (multipart, generated on the fly: no file of that size is kept anywhere but in the
 * store) and the download, each timed, with the server's peak RSS (VmHWM of its process) before
 * and after.
 *
 *   npm run build && node bench/storage-roundtrip.js            1 GiB on the filesystem provider
 *   node bench/storage-roundtrip.js --mb 100                     another size (MiB)
 *
 * The server is a child process serving one `container` model on a storage data source whose
 * root is a temporary folder (removed afterwards).
 */
const { fork } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const CHUNK = 256 * 1024;

if (process.argv[2] === '--serve') serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });

function serve() {
  const loopback = require(path.join(__dirname, '..', 'dist'));
  const root = process.argv[3];
  const app = loopback();
  app.dataSource('storage', {
    connector: 'storage',
    provider: 'filesystem',
    root,
    maxFileSize: 4 * 1024 ** 3,
  });
  const Container = app.registry.createModel({ name: 'container', base: 'Model' });
  app.model(Container, { dataSource: 'storage', public: true });
  app.use('/api', loopback.rest());
  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'rss') process.send({ rss: process.memoryUsage().rss, hwm: peakRss(process.pid) });
  });
}

/** The peak resident set of a process (Linux VmHWM), in bytes. */
function peakRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function main() {
  const mbIndex = process.argv.indexOf('--mb');
  const size = (mbIndex > 0 ? Number(process.argv[mbIndex + 1]) : 1024) * 1024 * 1024;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-storage-bench-'));
  fs.mkdirSync(path.join(root, 'bench'));
  const child = fork(__filename, ['--serve', root], { stdio: 'inherit' });
  const ask = (msg, key) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m && m[key] !== undefined) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
      if (msg) child.send(msg);
    });
  try {
    const { port } = await ask(undefined, 'port');
    const atBoot = await ask('rss', 'rss');

    const upStart = process.hrtime.bigint();
    const uploaded = await upload(port, size);
    const upSeconds = Number(process.hrtime.bigint() - upStart) / 1e9;
    const afterUpload = await ask('rss', 'rss');

    const downStart = process.hrtime.bigint();
    const downloaded = await download(port);
    const downSeconds = Number(process.hrtime.bigint() - downStart) / 1e9;
    const afterDownload = await ask('rss', 'rss');

    if (downloaded.bytes !== size || downloaded.sha256 !== uploaded.sha256)
      throw new Error(
        `round trip mismatch: ${downloaded.bytes} bytes, ${downloaded.sha256} vs ${uploaded.sha256}`,
      );
    const mib = (n) => (n / 1024 / 1024).toFixed(1);
    console.log(`file: ${mib(size)} MiB, bytes and SHA-256 equal after the round trip`);
    console.log(
      `upload:   ${upSeconds.toFixed(1)} s (${(size / 1024 / 1024 / upSeconds).toFixed(0)} MiB/s), answer ${uploaded.status}`,
    );
    console.log(
      `download: ${downSeconds.toFixed(1)} s (${(size / 1024 / 1024 / downSeconds).toFixed(0)} MiB/s)`,
    );
    console.log(
      `server RSS: ${mib(atBoot.rss)} MiB at boot, peak ${mib(afterUpload.hwm)} MiB after the upload, peak ${mib(afterDownload.hwm)} MiB after the download`,
    );
  } finally {
    child.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A deterministic byte stream of `size` bytes (a repeated random block), hashed as it is sent. */
function upload(port, size) {
  return new Promise((resolve, reject) => {
    const boundary = 'loopline-bench-' + crypto.randomBytes(8).toString('hex');
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const block = crypto.randomBytes(CHUNK);
    const hash = crypto.createHash('sha256');
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/containers/bench/upload',
        headers: {
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + size + tail.length),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve({ status: res.statusCode, sha256: hash.digest('hex') })
            : reject(new Error(`upload answered ${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', reject);
    let sent = 0;
    req.write(head);
    const pump = () => {
      while (sent < size) {
        const n = Math.min(CHUNK, size - sent);
        const chunk = n === CHUNK ? block : block.subarray(0, n);
        hash.update(chunk);
        sent += n;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
}

function download(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path: '/api/containers/bench/download/big.bin' }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`download answered ${res.statusCode}`));
        const hash = crypto.createHash('sha256');
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
      })
      .on('error', reject);
  });
}

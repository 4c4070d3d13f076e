#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime's CPU execution provider (reference
// outputs and timings for netc's ONNX importer).
//
//   node tools/onnx/ort_run.js model.onnx --input input.npy [--input ...] \
//       --out-dir DIR [--threads N] [--runs N]
//
// --input: float32 little-endian C-order .npy files, matched to the model's
//          inputs in order (one per model input).
// Writes every output as DIR/<output name>.npy (float32, C order, its shape).
// --threads: intra-op threads (default 1); inter-op is always 1, sequential.
// --runs N (> 0): after the reference run, 3 warm-up runs then N timed runs;
//          prints `ort median_ms=<x> min_ms=<y> runs=<N> threads=<T>`.
// Any error: a message on stderr and exit status 1.
// Install: ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix tools/onnx
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE = 'usage: node ort_run.js model.onnx --input input.npy [--input ...] ' +
    '--out-dir DIR [--threads N] [--runs N]';

function fail(message) {
  process.stderr.write(`ort_run: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {model: null, inputs: [], outDir: null, threads: 1, runs: 0};
  const count = (flag, text, min) => {
    if (!/^\d+$/.test(text || '') || Number(text) < min) fail(`${flag} needs an integer >= ${min}, got '${text}'`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--input') args.inputs.push(value());
    else if (a === '--out-dir') args.outDir = value();
    else if (a === '--threads') args.threads = count(a, value(), 1);
    else if (a === '--runs') args.runs = count(a, value(), 0);
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (a.startsWith('--') || args.model !== null) fail(`unexpected argument '${a}'\n${USAGE}`);
    else args.model = a;
  }
  if (args.model === null || args.inputs.length === 0 || args.outDir === null) fail(USAGE);
  return args;
}

// --- minimal .npy (format 1.0/2.0) float32 reader/writer ---------------------

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') fail(`${file}: not a .npy file`);
  const major = buf[6];
  if (major !== 1 && major !== 2) fail(`${file}: unsupported .npy version ${major}.${buf[7]}`);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, dataStart);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) fail(`${file}: malformed .npy header ${header.trim()}`);
  if (descr[1] !== '<f4') fail(`${file}: dtype '${descr[1]}' is not float32 little-endian ('<f4')`);
  if (fortran[1] === 'True') fail(`${file}: Fortran-order arrays are not supported`);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s !== '').map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  if (buf.length - dataStart !== 4 * n) {
    fail(`${file}: shape [${dims}] needs ${4 * n} data bytes, file has ${buf.length - dataStart}`);
  }
  // Copy into a fresh (aligned) buffer: the data offset need not be a multiple of 4.
  const data = new Float32Array(n);
  Buffer.from(data.buffer).set(buf.subarray(dataStart));
  return {dims, data};
}

function writeNpy(file, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so magic + length + header + '\n' is a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data, Number);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength)]));
}

// mkdir -p without fs.mkdirSync({recursive: true}), which spins forever on some
// paths (e.g. under /proc) in Node 20.
function makeDirs(dir) {
  const abs = path.resolve(dir);
  if (abs !== path.dirname(abs)) makeDirs(path.dirname(abs));
  try {
    fs.mkdirSync(abs);
  } catch (e) {
    if (e.code !== 'EEXIST') fail(`cannot create ${abs}: ${e.message}`);
  }
  if (!fs.statSync(abs).isDirectory()) fail(`${abs} is not a directory`);
}

// -----------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (${e.message}); install it with ` +
         `ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix tools/onnx`);
  }
  if (!fs.existsSync(args.model)) fail(`${args.model}: no such file`);

  let session;
  try {
    session = await ort.InferenceSession.create(args.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: args.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (e) {
    fail(`${args.model}: cannot create session: ${e.message}`);
  }

  const names = session.inputNames;
  if (args.inputs.length !== names.length) {
    fail(`model has ${names.length} input(s) [${names}], got ${args.inputs.length} --input`);
  }
  const feeds = {};
  names.forEach((name, i) => {
    const {dims, data} = readNpy(args.inputs[i]);
    const meta = (session.inputMetadata || [])[i];
    if (meta && meta.isTensor && meta.shape.length > 0) {  // check fixed dims if known
      const bad = meta.shape.length !== dims.length ||
          meta.shape.some((d, k) => typeof d === 'number' && d > 0 && d !== dims[k]);
      if (bad) fail(`${args.inputs[i]}: shape [${dims}] does not fit input '${name}' [${meta.shape}]`);
      if (meta.type !== 'float32') fail(`input '${name}' is ${meta.type}; only float32 inputs are supported`);
    }
    feeds[name] = new ort.Tensor('float32', data, dims);
  });

  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`run failed: ${e.message}`);
  }
  makeDirs(args.outDir);
  for (const name of session.outputNames) {
    const t = results[name];
    if (!t || typeof t.type !== 'string' || /string|bool/.test(t.type)) {
      fail(`output '${name}' is not a numeric tensor`);
    }
    const file = path.join(args.outDir, name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy');
    try {
      writeNpy(file, t.dims, t.type === 'float32' ? t.data : Array.from(t.data, Number));
    } catch (e) {
      fail(`cannot write ${file}: ${e.message}`);
    }
  }

  if (args.runs > 0) {
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const ms = [];
    for (let i = 0; i < args.runs; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const mid = ms.length >> 1;
    const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
    console.log(`ort median_ms=${median.toFixed(3)} min_ms=${ms[0].toFixed(3)} ` +
                `runs=${args.runs} threads=${args.threads}`);
  }
  await session.release();
}

main().catch(e => fail(e && e.stack ? e.stack : String(e)));

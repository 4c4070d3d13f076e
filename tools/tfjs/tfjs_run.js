#!/usr/bin/env node
// Runs a TF.js model (layers or graph format) from disk with the pure-JS
// @tensorflow/tfjs package on its CPU backend, and writes every output as a
// float32 .npy file. This is the reference for netc's TF.js importer tests.
//
// Usage:
//   node tools/tfjs/tfjs_run.js MODEL_DIR/model.json --input x.npy --out-dir DIR
//   node tools/tfjs/tfjs_run.js MODEL_DIR/model.json --pixels rgb.npy --out-dir DIR
//
//   --pixels  float32 .npy of a photo's RGB pixels [H, W, 3] (0..255), prepared in TF.js as
//             nsfwjs does it (core.js): toFloat().div(255), then tf.image.resizeBilinear to the
//             model's input size with alignCorners true (when the size differs), [1, H, W, 3].
//        [--runs N]
//   --input  float32 little-endian C-order .npy (e.g. NHWC [1,224,224,3]);
//            repeat it for a model with several inputs, in the model's input
//            order, or write NAME=x.npy to bind an input by name.
//   --runs N also time N more inferences and print their median and minimum.
// Each output goes to DIR/<output name with every character outside
// [A-Za-z0-9._-] replaced by '_'>.npy.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(msg) {
  console.error(`tfjs_run: ${msg}`);
  process.exit(1);
}

function usage(msg) {
  if (msg) console.error(`tfjs_run: ${msg}`);
  console.error('usage: node tools/tfjs/tfjs_run.js MODEL_DIR/model.json ' +
                '--input x.npy [--input ...] --out-dir DIR [--runs N]');
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { model: null, inputs: [], outDir: null, runs: 0 };
  const take = (i, name) => {
    if (i + 1 >= argv.length) usage(`${name} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--input') { opts.inputs.push(take(i, a)); i++; }
    else if (a === '--pixels') { opts.pixels = take(i, a); i++; }
    else if (a === '--out-dir') { opts.outDir = take(i, a); i++; }
    else if (a === '--runs') {
      opts.runs = Number(take(i, a)); i++;
      if (!Number.isInteger(opts.runs) || opts.runs < 0) usage('--runs needs an integer >= 0');
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.model === null) opts.model = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.model === null) usage('MODEL_DIR/model.json is required');
  if (opts.inputs.length === 0 && !opts.pixels) usage('--input or --pixels is required');
  if (opts.outDir === null) usage('--out-dir is required');
  return opts;
}

// ---- .npy (format 1.0/2.0/3.0 read, 1.0 write), float32 '<f4' only ----

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
  if (buf.length < 10 || !buf.subarray(0, 6).equals(magic)) {
    throw new Error(`${file}: not a .npy file`);
  }
  const major = buf[6];
  let headerLen;
  let start;
  if (major === 1) { headerLen = buf.readUInt16LE(8); start = 10; }
  else if (major === 2 || major === 3) { headerLen = buf.readUInt32LE(8); start = 12; }
  else throw new Error(`${file}: unsupported .npy version ${major}.${buf[7]}`);
  const header = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${file}: cannot parse header ${header.trim()}`);
  if (descr[1] !== '<f4') {
    throw new Error(`${file}: dtype ${descr[1]} is not little-endian float32 ('<f4')`);
  }
  if (fortran[1] !== 'False') throw new Error(`${file}: Fortran-order arrays are not supported`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new Error(`${file}: bad shape ${shapeM[1]}`);
      return n;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (buf.length - dataStart !== count * 4) {
    throw new Error(`${file}: shape [${shape}] needs ${count * 4} data bytes, file has ${buf.length - dataStart}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(dataStart + 4 * i);
  return { shape, data };
}

function writeNpy(file, shape, data) {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // magic(6) + version(2) + length(2) + header + '\n', padded to 64 bytes.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + 4 * data.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(out, 0);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const off = 10 + header.length;
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i], off + 4 * i);
  fs.writeFileSync(file, out);
}

// ---- loading ----

function loadTf() {
  const dir = path.join(__dirname, 'node_modules', '@tensorflow', 'tfjs');
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fail(`@tensorflow/tfjs is not installed in ${path.join(__dirname, 'node_modules')}; ` +
         'run `npm ci --no-audit --no-fund` in tools/tfjs first');
  }
  return require(dir);
}

// An IOHandler that reads model.json and the weight files its manifest names
// (paths relative to model.json's folder), the way tf.io.http does over HTTP:
// the shards of each group are concatenated in manifest order, and
// tf.io.getModelArtifactsForJSON builds the ModelArtifacts.
function fileHandler(tf, jsonPath) {
  const dir = path.dirname(jsonPath);
  return {
    load: async () => {
      const modelJSON = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      if (modelJSON.modelTopology == null) throw new Error(`${jsonPath}: no modelTopology`);
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs = [];
        const parts = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const f = path.resolve(dir, decodeURIComponent(p));
            if (!fs.existsSync(f)) throw new Error(`weight file ${f} named in ${jsonPath} is missing`);
            const b = fs.readFileSync(f);
            parts.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.concatenateArrayBuffers(parts)];
      });
    },
  };
}

function detectFormat(modelJSON) {
  const topo = modelJSON.modelTopology;
  if (modelJSON.format === 'graph-model' || (topo && Array.isArray(topo.node))) return 'graph';
  if (modelJSON.format === 'layers-model' ||
      (topo && (topo.class_name || (topo.model_config && topo.model_config.class_name)))) {
    return 'layers';
  }
  throw new Error('cannot tell whether model.json holds a layers or a graph model');
}

function sanitise(name) {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

function msSince(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function checkShape(what, want, got) {
  const ok = want == null || (want.length === got.length &&
    want.every((d, i) => d == null || d < 0 || d === got[i]));
  if (!ok) {
    throw new Error(`${what}: model wants shape [${want.map((d) => (d == null || d < 0 ? '?' : d))}], ` +
                    `.npy has [${got}]`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.model)) fail(`${opts.model} does not exist`);
  const tf = loadTf();
  await tf.setBackend('cpu');
  await tf.ready();

  const modelJSON = JSON.parse(fs.readFileSync(opts.model, 'utf8'));
  const format = detectFormat(modelJSON);

  let t0 = process.hrtime.bigint();
  const handler = fileHandler(tf, opts.model);
  const model = format === 'layers'
    ? await tf.loadLayersModel(handler)
    : await tf.loadGraphModel(handler);
  const loadMs = msSince(t0);

  // Input and output descriptions.
  let inputNames;
  let inputShapes;
  let outputNames;
  if (format === 'layers') {
    inputNames = model.inputNames;
    inputShapes = model.inputs.map((t) => t.shape);
    outputNames = model.outputNames;
  } else {
    inputNames = model.inputs.map((t) => t.name);
    inputShapes = model.inputs.map((t) => t.shape);
    outputNames = model.outputs.map((t) => t.name);
    for (const t of model.inputs) {
      if (t.dtype && t.dtype !== 'float32') {
        fail(`graph input ${t.name} has dtype ${t.dtype}; only float32 inputs are supported`);
      }
    }
  }
  if (opts.inputs.length + (opts.pixels ? 1 : 0) !== inputNames.length) {
    fail(`the model has ${inputNames.length} input(s) (${inputNames.join(', ')}), ` +
         `got ${opts.inputs.length} --input`);
  }

  const feeds = new Array(inputNames.length);
  if (opts.pixels) {
    const { shape, data } = readNpy(opts.pixels);
    if (shape.length !== 3 || shape[2] !== 3) fail(`--pixels: expected [H, W, 3], got [${shape}]`);
    const want = inputShapes[0];
    const [h, w] = [want[1], want[2]];
    let x = tf.tensor(data, shape, 'float32').div(tf.scalar(255));
    if (shape[0] !== h || shape[1] !== w) x = tf.image.resizeBilinear(x, [h, w], true);
    feeds[0] = x.reshape([1, h, w, 3]);
  }
  opts.inputs.forEach((spec, i) => {
    let idx = i;
    let file = spec;
    const eq = spec.indexOf('=');
    if (eq > 0 && inputNames.includes(spec.slice(0, eq))) {
      idx = inputNames.indexOf(spec.slice(0, eq));
      file = spec.slice(eq + 1);
    }
    if (feeds[idx]) fail(`input ${inputNames[idx]} given twice`);
    const { shape, data } = readNpy(file);
    checkShape(`input ${inputNames[idx]} (${file})`, inputShapes[idx], shape);
    feeds[idx] = tf.tensor(data, shape, 'float32');
  });

  const run = () => {
    if (format === 'layers') {
      const r = model.predict(feeds.length === 1 ? feeds[0] : feeds);
      return Array.isArray(r) ? r : [r];
    }
    const named = {};
    inputNames.forEach((n, i) => { named[n] = feeds[i]; });
    const r = model.execute(named, outputNames);
    return Array.isArray(r) ? r : [r];
  };
  const runAsync = async () => {
    if (format === 'graph') {
      try {
        return run();
      } catch (e) {
        // Models with control flow need executeAsync.
        if (!/executeAsync/.test(String(e && e.message))) throw e;
        const named = {};
        inputNames.forEach((n, i) => { named[n] = feeds[i]; });
        const r = await model.executeAsync(named, outputNames);
        return Array.isArray(r) ? r : [r];
      }
    }
    return run();
  };

  t0 = process.hrtime.bigint();
  const outs = await runAsync();
  const values = [];
  for (const o of outs) values.push(await o.data());
  const firstMs = msSince(t0);

  fs.mkdirSync(opts.outDir, { recursive: true });
  console.log(`model ${opts.model}: ${format} format, ${inputNames.length} input(s), ` +
              `${outputNames.length} output(s), backend ${tf.getBackend()}, tfjs ${tf.version.tfjs}`);
  outs.forEach((o, i) => {
    const name = outputNames[i];
    const v = values[i];
    const f32 = v instanceof Float32Array ? v : Float32Array.from(v);
    let min = Infinity;
    let max = -Infinity;
    let argmax = -1;
    for (let k = 0; k < f32.length; k++) {
      if (f32[k] < min) min = f32[k];
      if (f32[k] > max) { max = f32[k]; argmax = k; }
    }
    const file = path.join(opts.outDir, `${sanitise(name)}.npy`);
    writeNpy(file, o.shape, f32);
    console.log(`output ${name}: shape [${o.shape.join(',')}] dtype ${o.dtype} ` +
                `min ${min} max ${max} argmax ${argmax} -> ${file}`);
  });
  outs.forEach((o) => o.dispose());

  console.log(`load_ms=${loadMs.toFixed(1)} first_infer_ms=${firstMs.toFixed(1)}`);
  if (opts.runs > 0) {
    const times = [];
    for (let r = 0; r < opts.runs; r++) {
      t0 = process.hrtime.bigint();
      const rs = await runAsync();
      for (const o of rs) await o.data();
      times.push(msSince(t0));
      rs.forEach((o) => o.dispose());
    }
    times.sort((a, b) => a - b);
    const med = times.length % 2 ? times[(times.length - 1) / 2]
      : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    console.log(`tfjs median_ms=${med.toFixed(1)} min_ms=${times[0].toFixed(1)} runs=${opts.runs}`);
  }
}

main().catch((e) => {
  // The message alone; set TFJS_RUN_DEBUG=1 for the stack.
  fail(e && (process.env.TFJS_RUN_DEBUG ? e.stack : e.message) || String(e));
});

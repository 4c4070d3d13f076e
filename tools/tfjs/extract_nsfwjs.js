#!/usr/bin/env node
// Writes one of the models that the nsfwjs npm package bundles as a plain
// TF.js model directory: OUT_DIR/model.json plus one .bin file per weight
// shard, the layout that TF.js's HTTP/file loaders read.
//
// nsfwjs 4.x ships each model as UMD modules under dist/models/<name>/:
//   model.min.js            exports the model.json object itself
//                           (modelTopology + weightsManifest, ...)
//   group1-shardIofN.min.js exports one base64 string: the shard's bytes
// The manifest paths in the bundle are "group1-shardIofN" (no extension);
// nsfwjs's own JSONHandler looks each path up among the decoded shards and
// concatenates them in manifest order. Here each shard becomes
// "group1-shardIofN.bin" and the manifest paths are renamed to match.
//
// Beside them, what the model file cannot say and netc needs to run it on a
// photo: model.preprocess.json, nsfwjs's own preprocessing (core.js: the whole
// image, bilinear resize with aligned corners, pixels / 255), and labels.txt,
// the class names in class order (nsfwjs's dist/cjs/nsfw_classes.js).
//
// Usage: node tools/tfjs/extract_nsfwjs.js OUT_DIR [--model mobilenet_v2]
//   --model: mobilenet_v2 (default), mobilenet_v2_mid or inception_v3
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) console.error(`extract_nsfwjs: ${msg}`);
  console.error('usage: node tools/tfjs/extract_nsfwjs.js OUT_DIR [--model NAME]');
  console.error('  NAME: mobilenet_v2 (default), mobilenet_v2_mid, inception_v3');
  process.exit(1);
}

function fail(msg) {
  console.error(`extract_nsfwjs: ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { outDir: null, model: 'mobilenet_v2' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model') {
      if (i + 1 >= argv.length) usage('--model needs a value');
      opts.model = argv[++i];
    } else if (a.startsWith('--model=')) {
      opts.model = a.slice('--model='.length);
    } else if (a === '-h' || a === '--help') {
      usage();
    } else if (a.startsWith('-')) {
      usage(`unknown option ${a}`);
    } else if (opts.outDir === null) {
      opts.outDir = a;
    } else {
      usage(`unexpected argument ${a}`);
    }
  }
  if (opts.outDir === null) usage('OUT_DIR is required');
  if (!/^[A-Za-z0-9_]+$/.test(opts.model)) usage(`bad model name ${opts.model}`);
  return opts;
}

const BYTES_PER_VALUE = {
  float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2,
};

// Bytes a manifest entry takes in the weight data (what TF.js's decoder
// advances by). String weights have no static size.
function entryBytes(w) {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization ? w.quantization.dtype : w.dtype;
  const per = BYTES_PER_VALUE[dtype];
  if (per === undefined) {
    throw new Error(`weight ${w.name}: cannot size dtype ${dtype}`);
  }
  return count * per;
}

// Loads a bundled UMD module. With CommonJS `module` present the bundle
// assigns its payload to module.exports (dist/models/package.json declares
// the folder "commonjs").
function loadBundle(file) {
  const m = require(file);
  // Tolerate an ES-module style wrapper too.
  return m && typeof m === 'object' && 'default' in m && m.__esModule ? m.default : m;
}

function decodeBase64Strict(b64, what) {
  if (typeof b64 !== 'string') {
    throw new Error(`${what}: expected a base64 string export, got ${typeof b64}`);
  }
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new Error(`${what}: export is not valid base64`);
  }
  return Buffer.from(clean, 'base64');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pkgDir = path.join(__dirname, 'node_modules', 'nsfwjs');
  const modelsDir = path.join(pkgDir, 'dist', 'models');
  if (!fs.existsSync(path.join(pkgDir, 'package.json')) || !fs.existsSync(modelsDir)) {
    fail(`the nsfwjs package is not installed in ${path.join(__dirname, 'node_modules')}; ` +
         `run \`npm ci --no-audit --no-fund\` in tools/tfjs first`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const modelDir = path.join(modelsDir, opts.model);
  if (!fs.existsSync(path.join(modelDir, 'model.min.js'))) {
    const have = fs.readdirSync(modelsDir)
      .filter((d) => fs.existsSync(path.join(modelsDir, d, 'model.min.js')));
    fail(`nsfwjs ${pkg.version} has no model '${opts.model}' (have: ${have.join(', ')})`);
  }

  const modelJson = loadBundle(path.join(modelDir, 'model.min.js'));
  if (!modelJson || typeof modelJson !== 'object' || !modelJson.modelTopology ||
      !Array.isArray(modelJson.weightsManifest)) {
    fail(`${opts.model}/model.min.js does not export a TF.js model.json object`);
  }

  fs.mkdirSync(opts.outDir, { recursive: true });
  const written = [];
  const out = {};
  // Keep the model.json keys in their original order; only the manifest
  // paths change.
  for (const key of Object.keys(modelJson)) {
    out[key] = key === 'weightsManifest' ? [] : modelJson[key];
  }

  for (const [gi, group] of modelJson.weightsManifest.entries()) {
    const newPaths = [];
    let groupBytes = 0;
    for (const p of group.paths) {
      const shardFile = path.join(modelDir, `${p}.min.js`);
      if (!/^[A-Za-z0-9_.-]+$/.test(p) || !fs.existsSync(shardFile)) {
        fail(`weight shard '${p}' of group ${gi} has no bundle ${shardFile}`);
      }
      const bytes = decodeBase64Strict(loadBundle(shardFile), `${opts.model}/${p}.min.js`);
      const binName = `${p}.bin`;
      const binPath = path.join(opts.outDir, binName);
      fs.writeFileSync(binPath, bytes);
      written.push([binPath, bytes.length]);
      newPaths.push(binName);
      groupBytes += bytes.length;
    }
    const want = group.weights.reduce((a, w) => a + entryBytes(w), 0);
    if (want !== groupBytes) {
      fail(`group ${gi}: the manifest needs ${want} bytes but the shards hold ${groupBytes}`);
    }
    out.weightsManifest.push({ ...group, paths: newPaths });
  }

  const jsonPath = path.join(opts.outDir, 'model.json');
  const text = JSON.stringify(out);
  fs.writeFileSync(jsonPath, text);
  written.unshift([jsonPath, Buffer.byteLength(text)]);

  const preprocessPath = path.join(opts.outDir, 'model.preprocess.json');
  const preprocess = JSON.stringify({
    description: `nsfwjs ${pkg.version}: the whole image resized with aligned corners, pixels / 255`,
    fit: 'stretch', resize: 'align-corners', normalize: 'unit',
  }, null, 1) + '\n';
  fs.writeFileSync(preprocessPath, preprocess);
  written.push([preprocessPath, Buffer.byteLength(preprocess)]);
  const classes = require(path.join(pkgDir, 'dist', 'cjs', 'nsfw_classes.js')).NSFW_CLASSES;
  const labelsPath = path.join(opts.outDir, 'labels.txt');
  const labels = Object.keys(classes).sort((a, b) => a - b).map((k) => classes[k]).join('\n') + '\n';
  fs.writeFileSync(labelsPath, labels);
  written.push([labelsPath, Buffer.byteLength(labels)]);

  console.log(`nsfwjs ${pkg.version} model ${opts.model}:`);
  for (const [f, n] of written) console.log(`  ${f}  ${n} bytes`);
  const nWeights = out.weightsManifest.reduce((a, g) => a + g.weights.length, 0);
  const shards = written.filter(([f]) => f.endsWith('.bin'));
  const nBytes = shards.reduce((a, [, n]) => a + n, 0);
  console.log(`  ${nWeights} weights, ${nBytes} weight bytes in ${shards.length} shard(s)`);
}

try {
  main();
} catch (e) {
  fail(e && e.message ? e.message : String(e));
}

import fs from 'fs';
import process from 'process';
import os from 'os';
import path from 'path';
import { PLUGIN_JSON, SOURCE_DIR } from './constants.ts';

export function isWSL() {
  if (process.platform !== 'linux') {
    return false;
  }

  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }

  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function loadJson(path: string) {
  const rawJson = fs.readFileSync(path, 'utf8');
  return JSON.parse(rawJson);
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson() {
  return loadJson(path.resolve(process.cwd(), PLUGIN_JSON));
}

export function getCPConfigVersion() {
  const cprcJson = path.resolve(process.cwd(), './.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : { version: 'unknown' };
}

// The plugin has a single frontend entry, src/module.ts(x). The template globbed
// src/**/plugin.json to support nested app plugins; with plugin.json at the
// repository root that glob would find nothing, so the entry is located directly.
export async function getEntries(): Promise<Record<string, string>> {
  const candidates = ['module.ts', 'module.tsx', 'module.js', 'module.jsx'].map((name) =>
    path.resolve(process.cwd(), SOURCE_DIR, name)
  );
  const entry = candidates.find((candidate) => fs.existsSync(candidate));
  if (!entry) {
    throw new Error(`no frontend entry found: create ${SOURCE_DIR}/module.ts exporting the DataSourcePlugin`);
  }
  return { module: entry };
}

/**
 * The installer configuration, checked against electron-builder's own JSON schema (the
 * one it validates with before it builds), since no installer can be built here: Electron's
 * release zip is not downloadable on this machine (README: Installers).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

async function loadConfig(): Promise<Record<string, unknown>> {
  // electron-builder reads its YAML with js-yaml; the same reader here.
  const yaml = (await import('js-yaml')) as { load(text: string): unknown };
  return yaml.load(readFileSync(path.join(ROOT, 'build', 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

function validator() {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

describe('installer configuration', () => {
  it('is valid for electron-builder', async () => {
    const validate = validator();
    const ok = validate(await loadConfig());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is real: a misspelt option or a wrong type is refused', async () => {
    const validate = validator();
    expect(validate({ ...(await loadConfig()), asar: 'yes please' })).toBe(false);
    expect(validate({ ...(await loadConfig()), nsis: { oneClik: false } })).toBe(false);
  });

  it('builds Windows (NSIS, portable) and Linux (AppImage, deb) for the machines centers have, with an icon and the bundle and backup file types', async () => {
    const config = await loadConfig();
    const targets = (platform: string) => (config[platform] as { target: { target: string; arch: string[] }[] }).target.map((t) => `${t.target}:${t.arch.join('+')}`);
    expect(targets('win')).toEqual(['nsis:x64', 'portable:x64']);
    expect(targets('linux')).toEqual(['AppImage:x64+arm64', 'deb:x64+arm64']);
    expect(existsSync(path.join(ROOT, 'build', 'icon.png'))).toBe(true);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'tongxin' }), expect.objectContaining({ ext: 'tongxin-backup' })]);
    expect((config.nsis as { deleteAppDataOnUninstall: boolean }).deleteAppDataOnUninstall).toBe(false);
  });
});

describe('Electron fuses', () => {
  it('turns off running as Node, outside Node options and inspector flags, and loads only the checked asar', async () => {
    expect((await loadConfig()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

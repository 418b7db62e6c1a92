/**
 * The renderer's access to OS services. In Electron the preload exposes the
 * contract's actions on `window.tongxin`; in a plain browser (Chromium app
 * window, tests) each action gets the closest browser equivalent.
 */
import { BRIDGE_GLOBAL, type TongxinBridge } from '../../../electron/contract';
import type { DeviceStore } from '../storage/ports';
import { browserBackups } from './browserBackups';
import { browserMarkerActions } from '../app/centerMarker';

function hasElectronBridge(w: Window): w is Window & { [BRIDGE_GLOBAL]: TongxinBridge } {
  return BRIDGE_GLOBAL in w && typeof (w as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] === 'object';
}

/** Browser versions of the bridge actions. Secrets go to the device store, unencrypted — the UI says so. */
export function browserBridge(device: DeviceStore, version: string): TongxinBridge {
  return {
    async appInfo() {
      return { version, shell: 'browser', platform: navigator.platform, dataDir: null };
    },
    async setKioskFullscreen(on) {
      if (on && !document.fullscreenElement) await document.documentElement.requestFullscreen().catch(() => {});
      if (!on && document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    },
    async saveFile({ suggestedName, content, mimeType, encoding }) {
      const body = encoding === 'base64' ? Uint8Array.from(atob(content), (c) => c.charCodeAt(0)) : content;
      const url = URL.createObjectURL(new Blob([body], { type: mimeType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = suggestedName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return { saved: true, path: suggestedName };
    },
    async storeCredential(key, secret) {
      await device.setSecret(key, secret);
      return { secure: false };
    },
    async loadCredential(key) {
      return device.getSecret(key);
    },
    async printPage() {
      window.print();
    },
    async setStartAtLogin() {
      return { supported: false };
    },
    ...browserBackups,
    // The center marker (app/centerMarker.ts): localStorage, a store of its own beside IndexedDB.
    ...browserMarkerActions(typeof localStorage === 'undefined' ? null : localStorage),
  };
}

export function resolveBridge(device: DeviceStore, version: string): TongxinBridge {
  return hasElectronBridge(window) ? window[BRIDGE_GLOBAL] : browserBridge(device, version);
}

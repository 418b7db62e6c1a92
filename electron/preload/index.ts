/**
 * The preload exposes the contract's named actions and nothing else — never
 * ipcRenderer itself. It is bundled into one file because a sandboxed preload
 * cannot require local modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, IPC_CHANNELS, type TongxinBridge } from '../contract';

const bridge = {
  appInfo: () => ipcRenderer.invoke(IPC_CHANNELS.appInfo),
  setKioskFullscreen: (on) => ipcRenderer.invoke(IPC_CHANNELS.setKioskFullscreen, on),
  saveFile: (request) => ipcRenderer.invoke(IPC_CHANNELS.saveFile, request),
  storeCredential: (key, secret) => ipcRenderer.invoke(IPC_CHANNELS.storeCredential, key, secret),
  loadCredential: (key) => ipcRenderer.invoke(IPC_CHANNELS.loadCredential, key),
  printPage: () => ipcRenderer.invoke(IPC_CHANNELS.printPage),
  setStartAtLogin: (on) => ipcRenderer.invoke(IPC_CHANNELS.setStartAtLogin, on),
  writeBackup: (request) => ipcRenderer.invoke(IPC_CHANNELS.writeBackup, request),
  listBackups: () => ipcRenderer.invoke(IPC_CHANNELS.listBackups),
  readBackup: (place, name) => ipcRenderer.invoke(IPC_CHANNELS.readBackup, place, name),
  chooseBackupFolder: () => ipcRenderer.invoke(IPC_CHANNELS.chooseBackupFolder),
  takeOpenedFile: () => ipcRenderer.invoke(IPC_CHANNELS.takeOpenedFile),
  readCenterMarker: () => ipcRenderer.invoke(IPC_CHANNELS.readCenterMarker),
  writeCenterMarker: (marker) => ipcRenderer.invoke(IPC_CHANNELS.writeCenterMarker, marker),
} satisfies TongxinBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);

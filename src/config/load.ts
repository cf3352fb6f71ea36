// Start-up: the command line merged with daemon.json (or dockerd's error for why it cannot be).
import { readDaemonJson, type DaemonFileConfig } from './daemon-json.js';
import { checkConflicts, mergeFile, settingsOf, type CoreFlags, type DaemonSettings } from './merge.js';
import { checkLogDefaults } from './create-defaults.js';

export interface LoadedConfig<T extends CoreFlags> {
  /** the flags with the file's values in place of defaults */
  flags: T;
  file: DaemonFileConfig;
  settings: DaemonSettings;
}

export function loadDaemonConfig<T extends CoreFlags & { configFile: string }>(cmdline: T): LoadedConfig<T> {
  const file = readDaemonJson(cmdline.configFile, cmdline.given.has('config-file'));
  try {
    checkConflicts(cmdline, file);
  } catch (err) {
    throw new Error(`unable to configure the Docker daemon with file ${cmdline.configFile}: ${(err as Error).message}`);
  }
  const flags = mergeFile(cmdline, file);
  const settings = settingsOf(flags, file);
  checkLogDefaults(settings);
  return { flags, file, settings };
}

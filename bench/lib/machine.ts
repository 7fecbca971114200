// What the numbers were measured on: a result without its machine cannot be compared.
import { arch, availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { tasksetAvailable } from './cpu-pinning.js';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  os: string;
  totalMemoryMiB: number;
  taskset: boolean;
  /** 1-minute load average when the bench started: > 0 means something else was running. */
  loadAverageAtStart: number;
}

export function describeMachine(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    taskset: tasksetAvailable(),
    loadAverageAtStart: loadavg()[0] ?? 0,
  };
}

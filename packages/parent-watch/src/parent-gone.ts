// A child started with an IPC channel (the launcher starts every process so) sees the channel close
// when its parent is gone, whatever ended it, SIGKILL and crashes included: the kernel closes the
// parent's end. A process started without one (by an operator, Docker, Kubernetes) is left as it is.

/**
 * Calls `callback` once when the process that started this one with an IPC channel is gone, or on
 * the next turn of the event loop if it is gone already (it may die while this process starts).
 * The channel never keeps this process alive. Without an IPC channel, does nothing.
 */
export function onParentGone(callback: () => void): void {
  // `connected` exists only in a process started with a channel (false once it closed);
  // `process.channel` alone cannot tell, since it is gone once the channel closed.
  if (!('connected' in process)) return;
  if (!process.connected) {
    setImmediate(callback);
    return;
  }
  process.once('disconnect', callback);
  // A 'disconnect' listener refs the channel; unref it so that a process done with its work exits.
  process.channel?.unref();
}

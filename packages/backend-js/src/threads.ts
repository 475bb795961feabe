// Data-parallel compiled programs: the public thread settings (the runtime is internal/threads.ts).
export {
  availableThreads,
  disposeThreads,
  getThreads,
  setThreads,
  THREAD_MIN_ROWS,
  type ThreadSettings,
  threadsReady,
} from "./internal/threads.js";

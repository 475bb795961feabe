// Plain-JS bootstrap for worker threads in tests: registers tsx so the TypeScript entry can load.
import { register } from "tsx/esm/api";

register();
await import("./worker-entry.ts");

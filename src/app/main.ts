// `npm start`: the HTTP server and the queue workers in one process.
import { runProcess } from './run-process.ts';

process.exitCode = await runProcess({ http: true, workers: true });

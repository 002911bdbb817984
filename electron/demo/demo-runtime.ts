/**
 * The bundled demo as one module: the app's first start, the dev host and tests hand it to
 * `createBackend`, which never imports it itself, so a one-shot command or a backend without
 * the demo loads neither the demo case nor the device simulator.
 */
export { seedDemoOnFirstRun } from './seed-demo';
export { demoFolder, startDemoCapture, type DemoHandle, type DemoOptions } from './demo-capture';

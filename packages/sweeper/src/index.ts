export { Sweeper, type SweepTask, type SweeperOptions, type SweeperLogger, type SweepResult } from './sweeper.js';

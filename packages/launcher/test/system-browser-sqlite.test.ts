// npm start's system on SQLite files, used by a new runner in Chromium (see helpers/system-journey.ts).
import { describeJourney, SQLITE } from './helpers/system-journey.js';

describeJourney(SQLITE);

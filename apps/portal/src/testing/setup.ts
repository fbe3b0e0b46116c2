// TestBed for the component tests: zoneless, like the app (app.config.ts), with errors thrown
// from change detection failing the test instead of being logged.
import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless/index.mjs';

setupZonelessTestEnv({ errorOnUnknownElements: true, errorOnUnknownProperties: true });

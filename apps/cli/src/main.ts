import 'reflect-metadata';
import { Command } from 'commander';
import { registerDatabaseCommands } from './commands/database.js';
import { registerScanCommand } from './commands/scan.js';

const program = new Command('drydock')
  .description('Drydock: container registry with a built-in vulnerability scanner')
  .showHelpAfterError();

registerScanCommand(program);
registerDatabaseCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`drydock: ${(err as Error).message}`);
  process.exit(1);
}

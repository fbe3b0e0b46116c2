import 'reflect-metadata';
import { Command } from 'commander';
import { registerScanCommand } from './commands/scan.js';

const program = new Command('drydock')
  .description('Drydock: container registry with a built-in vulnerability scanner')
  .showHelpAfterError();

registerScanCommand(program);

await program.parseAsync(process.argv);

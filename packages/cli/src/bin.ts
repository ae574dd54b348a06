#!/usr/bin/env node
import { main } from './main.js';

const [command] = process.argv.slice(2);
main(process.argv.slice(2)).then(
  (code) => {
    // The dev server keeps running; every other command ends here.
    if (code !== 0 || command !== 'dev') process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);

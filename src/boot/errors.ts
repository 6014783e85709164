import { LooplineError } from '../errors';

/** Boot stops with one of these: the message names the file, the place inside it, and what is wrong. */
export class BootError extends LooplineError<string> {
  constructor(message: string, code = 'BOOT_FAILED') {
    // Boot's codes are its own (the README lists them beside the table); every one is the app's
    // misconfiguration, so each answers as the table's CONFIGURATION_ERROR does.
    super('CONFIGURATION_ERROR', message);
    this.code = code;
    this.name = 'BootError';
  }
}

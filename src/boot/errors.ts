import { LooplineError } from '../errors';

/** Boot stops with one of these: the message names the file, the place inside it, and what is wrong. */
export class BootError extends LooplineError {
  constructor(message: string, code = 'BOOT_FAILED') {
    super(code, 500, message);
    this.name = 'BootError';
  }
}

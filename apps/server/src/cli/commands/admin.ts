import type { Command } from 'commander';
import { UserInputError } from '../../errors.js';
import { withContext } from '../main.js';

export function adminCommands(program: Command): void {
  program
    .command('admin')
    .description('the admin account')
    .command('password')
    .description('set a new admin password, read from standard input; logs every session out')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out) => {
        const password = (await readStdin()).replace(/\r?\n$/, '');
        if (!password) throw new UserInputError('Give the new password on standard input');
        // argon2 (a native addon) is loaded by this command only.
        const { resetAdminPassword } = await import('../../auth/auth.js');
        await resetAdminPassword(ctx.catalog, password);
        out.result({ ok: true }, () => 'admin password changed; every session was logged out');
      }),
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

import { parseArgs } from 'node:util';
import { boardFileJsonSchema } from '@meshboard/board';
import { EXPORT_FORMATS, runExport, type ExportFormat } from './export-command.js';
import { runImport } from './import-command.js';
import { runWatch } from './watch-command.js';

const USAGE = `usage:
  meshboard export <board-link> --format png|svg|pdf|json|excalidraw -o FILE
                   [--theme light|dark] [--scale 1|2|3] [--padding N] [--no-background]
  meshboard import FILE --server URL [--title TEXT]       prints the new board's edit and view links
  meshboard watch <board-link>                            prints the board's changes as JSON lines
  meshboard schema                                        prints the board file's JSON Schema
options for every command: --store URL --signaling URL (default: read from the server's /api/config)`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      theme: { type: 'string', default: 'light' },
      scale: { type: 'string', default: '1' },
      padding: { type: 'string', default: '32' },
      'no-background': { type: 'boolean', default: false },
      server: { type: 'string' },
      title: { type: 'string' },
      store: { type: 'string' },
      signaling: { type: 'string' },
      name: { type: 'string', default: 'meshboard watch' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, target] = positionals;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (!command) throw new UsageError('no command given');
  switch (command) {
    case 'export': {
      const format = values.format as ExportFormat | undefined;
      if (!target || !format || !EXPORT_FORMATS.includes(format) || !values.output) throw new UsageError('export needs <board-link>, --format png|svg|pdf|json|excalidraw and -o FILE');
      const scale = Number(values.scale);
      if (![1, 2, 3].includes(scale)) throw new UsageError('--scale is 1, 2 or 3');
      if (values.theme !== 'light' && values.theme !== 'dark') throw new UsageError('--theme is light or dark');
      await runExport(
        { link: target, format, output: values.output, theme: values.theme, scale, padding: Math.max(0, Number(values.padding) || 0), background: !values['no-background'], store: values.store, signaling: values.signaling },
        err,
      );
      return 0;
    }
    case 'import': {
      if (!target || !values.server) throw new UsageError('import needs FILE and --server URL');
      const result = await runImport({ file: target, server: values.server, title: values.title, store: values.store });
      for (const notice of result.notices) err(`note: ${notice}`);
      out(`edit: ${result.editLink}`);
      out(`view: ${result.viewLink}`);
      err(`imported ${result.shapes} shapes into board ${result.boardId}`);
      return 0;
    }
    case 'watch': {
      if (!target) throw new UsageError('watch needs <board-link>');
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      await runWatch({ link: target, store: values.store, signaling: values.signaling, name: values.name }, out, controller.signal);
      return 0;
    }
    case 'schema':
      out(JSON.stringify(boardFileJsonSchema(), null, 2));
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`meshboard: ${(error as Error).message}`);
    if (error instanceof UsageError) err(USAGE);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);

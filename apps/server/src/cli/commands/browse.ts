import type { Command } from 'commander';
import { browseFolder, fileByPath, fileDetails, type FileView } from '../../catalog/browse.js';
import { NotFoundError } from '../../errors.js';
import { browseQuery } from '../../api/schemas.js';
import { withContext } from '../main.js';
import { formatBytes, formatTime } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';

export function browseCommands(program: Command): void {
  program
    .command('ls <place>')
    .description('list a folder from the catalog (works while the root is offline)')
    .option('--kind <kind>', 'photo, video, sidecar or other')
    .option('--tag <tag>', 'missing, moved, unread, problem, summarised, archived, not-archived')
    .option('--sort <sort>', 'name, size, mtime or captured', 'name')
    .option('--desc', 'reverse order')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'files per page', '200')
    .option('--json', 'machine-readable output')
    .action(
      withContext(
        (ctx, out, place: string, options: Record<string, string | boolean | undefined>) => {
          const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
          const query = browseQuery.parse({
            path: relPath,
            kind: options.kind,
            tag: options.tag,
            sort: options.sort,
            order: options.desc ? 'desc' : 'asc',
            page: options.page,
            pageSize: options.pageSize,
          });
          const result = browseFolder(ctx.catalog, root, query);
          out.result(result, () =>
            [
              `${result.root}:/${result.path}${result.online ? '' : '  (root OFFLINE: catalog view)'}`,
              ...result.folders.map(
                (f) => `  ${f.name}/\t${f.fileCount} files\t${formatBytes(f.bytes)}`,
              ),
              ...result.files.map(
                (f) => `  ${f.name}\t${f.kind}\t${formatBytes(f.size)}\t${tagText(f)}`,
              ),
              `${result.total} files${result.total > result.files.length ? ` (page ${result.page}, ${result.files.length} shown)` : ''}`,
            ].join('\n'),
          );
        },
      ),
    );

  program
    .command('status <place>')
    .description('one file: metadata, tags, history (or a folder: what ls shows)')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out, place: string) => {
        const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
        let details;
        try {
          details = fileDetails(ctx.catalog, root, fileByPath(ctx.catalog, root, relPath));
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          const folder = browseFolder(ctx.catalog, root, { path: relPath, pageSize: 1 });
          out.result(
            {
              root: folder.root,
              path: folder.path,
              online: folder.online,
              folders: folder.folders.length,
              files: folder.total,
            },
            () =>
              `${folder.root}:/${folder.path}: folder with ${folder.total} files and ${folder.folders.length} subfolders`,
          );
          return;
        }
        const d = details;
        out.result(d, () =>
          [
            `${d.root}:/${d.path}`,
            `  kind        ${d.kind}${d.mime ? ` (${d.mime})` : ''}`,
            `  size        ${formatBytes(d.size)}, modified ${formatTime(d.mtimeMs)}`,
            `  sha256      ${d.sha256 ?? '(not read yet)'}`,
            `  state       ${d.state}${d.missingSince ? ` since ${formatTime(d.missingSince)}` : ''}; tags: ${tagText(d)}`,
            d.capturedAt ? `  captured    ${d.capturedAt}` : '',
            d.cameraMake || d.cameraModel
              ? `  camera      ${[d.cameraMake, d.cameraModel].filter(Boolean).join(' ')}`
              : '',
            d.width
              ? `  dimensions  ${d.width}x${d.height}${d.orientation && d.orientation !== 1 ? ` (orientation ${d.orientation})` : ''}`
              : '',
            d.durationS !== null
              ? `  duration    ${d.durationS.toFixed(2)} s${d.codec ? `, ${d.codec}` : ''}`
              : '',
            d.gpsLat !== null ? `  gps         ${d.gpsLat}, ${d.gpsLon}` : '',
            d.problem ? `  problem     ${d.problem}` : '',
            d.movedFrom ? `  moved from  ${d.movedFrom.path}` : '',
            d.movedTo ? `  moved to    ${d.movedTo.path}` : '',
            ...d.history.map(
              (h) => `  ${formatTime(h.at)}  ${h.kind}${h.detail ? ` ${h.detail}` : ''}`,
            ),
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }),
    );
}

function tagText(file: FileView): string {
  const tags = [
    file.tags.summarised ? 'summarised' : '',
    ...file.tags.archived.map((d) => `archived:${d}`),
    file.tags.modified ? 'modified' : '',
    file.tags.missing ? 'missing' : '',
    file.tags.moved ? 'moved' : '',
    file.tags.unread ? 'unread' : '',
    file.problem ? 'problem' : '',
  ].filter(Boolean);
  return tags.length > 0 ? tags.join(',') : '-';
}

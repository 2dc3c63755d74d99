'use client';

import type { FileSort, FileView, SortOrder } from '../../lib/api';
import { formatBytes, formatCamera, formatCapturedAt } from '../../lib/format';
import { SORT_LABELS } from './browse-state';
import { FileTags } from './FileTags';
import { Thumbnail } from './Thumbnail';

interface ListProps {
  files: FileView[];
  caption: string;
  sort: FileSort;
  order: SortOrder;
  onSort: (sort: FileSort, order: SortOrder) => void;
  onOpen: (file: FileView) => void;
}

const KIND_NAMES: Record<FileView['kind'], string> = {
  photo: 'photo',
  video: 'video',
  sidecar: 'sidecar',
  other: 'other',
};

/** A desktop table of files; column heads sort (through the API, so across pages). */
export function FileTable({ files, caption, sort, order, onSort, onOpen }: ListProps) {
  const head = (key: FileSort | null, label: string, className?: string) => {
    if (key === null) {
      return (
        <th scope="col" className={className}>
          {label}
        </th>
      );
    }
    const active = sort === key;
    const next: SortOrder = active && order === 'asc' ? 'desc' : 'asc';
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
      >
        <button
          type="button"
          className="sort-button"
          onClick={() => onSort(key, next)}
          title={`Sort by ${SORT_LABELS[key].toLowerCase()}, ${next === 'asc' ? 'ascending' : 'descending'}`}
        >
          {label}
          <span aria-hidden="true" className="sort-arrow">
            {active ? (order === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-wrap">
      <table className="files-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {head('name', 'Name', 'col-name')}
            {head(null, 'Kind')}
            {head('size', 'Size', 'num')}
            {head('captured', 'Captured')}
            {head(null, 'Camera')}
            {head(null, 'Tags')}
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr
              key={file.id}
              data-file={file.name}
              className={file.tags.missing ? 'is-missing' : undefined}
              onClick={(event) => {
                // The name is the keyboard's way in; the rest of the row is a bigger target.
                if (!(event.target instanceof HTMLElement) || !event.target.closest('button')) {
                  onOpen(file);
                }
              }}
            >
              <td className="col-name">
                <span className="name-cell">
                  <Thumbnail file={file} className="row-thumb" />
                  <button type="button" className="file-name" onClick={() => onOpen(file)}>
                    {file.name}
                  </button>
                </span>
              </td>
              <td>{KIND_NAMES[file.kind]}</td>
              <td className="num">{formatBytes(file.size)}</td>
              <td>{file.capturedAt ? formatCapturedAt(file.capturedAt) : ''}</td>
              <td>{formatCamera(file.cameraMake, file.cameraModel) ?? ''}</td>
              <td>
                <FileTags file={file} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The phone's list of file cards; each card opens the file's details. */
export function FileCards({ files, caption, onOpen }: ListProps) {
  return (
    <ul className="file-cards" aria-label={caption}>
      {files.map((file) => {
        const camera = formatCamera(file.cameraMake, file.cameraModel);
        return (
          <li key={file.id} data-file={file.name} className={file.tags.missing ? 'is-missing' : ''}>
            <button type="button" className="file-card" onClick={() => onOpen(file)}>
              <Thumbnail file={file} className="card-thumb" />
              <span className="file-card-text">
                <span className="file-card-name">{file.name}</span>
                <span className="file-card-meta">
                  <span>{KIND_NAMES[file.kind]}</span>
                  <span>{formatBytes(file.size)}</span>
                  {file.capturedAt ? <span>{formatCapturedAt(file.capturedAt)}</span> : null}
                </span>
                {camera ? <span className="file-card-meta">{camera}</span> : null}
              </span>
            </button>
            <FileTags file={file} />
          </li>
        );
      })}
    </ul>
  );
}

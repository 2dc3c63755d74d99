'use client';

import dynamic from 'next/dynamic';

/**
 * The explorer's parts that its first rows do not need, each loaded when first shown: the
 * first load of a folder on a slow phone link carries only the list (see bench/explorer.mjs).
 */
export const SheetsPanel = dynamic(() => import('./SheetsPanel').then((m) => m.SheetsPanel), {
  ssr: false,
});
export const FileDetailsDialog = dynamic(
  () => import('./FileDetailsDialog').then((m) => m.FileDetailsDialog),
  { ssr: false },
);
/** Desktop only. */
export const FolderTree = dynamic(() => import('./FolderTree').then((m) => m.FolderTree), {
  ssr: false,
});
/** Phone only. */
export const FolderDrillDown = dynamic(
  () => import('./FolderDrillDown').then((m) => m.FolderDrillDown),
  { ssr: false },
);
export const ArchiveDialog = dynamic(() => import('./ArchiveDialog').then((m) => m.ArchiveDialog), {
  ssr: false,
});
export const RestoreDialog = dynamic(() => import('./RestoreDialog').then((m) => m.RestoreDialog), {
  ssr: false,
});
/** Shown once something is selected. */
export const SelectionBar = dynamic(() => import('./SelectionBar').then((m) => m.SelectionBar), {
  ssr: false,
});

ALTER TABLE `destinations` ADD `catalog_snapshot_key` text;--> statement-breakpoint
ALTER TABLE `destinations` ADD `catalog_snapshot_at` integer;
DROP INDEX `files_root_dir_captured`;--> statement-breakpoint
ALTER TABLE `files` ADD `captured_ms` integer GENERATED ALWAYS AS (cast(round((julianday(captured_at) - 2440587.5) * 86400000) as integer)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `files_root_dir_captured_ms` ON `files` (`root_id`,`dir`,`captured_ms`,`name`) WHERE "state" <> 'moved';
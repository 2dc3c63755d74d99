CREATE INDEX `files_root_dir_size` ON `files` (`root_id`,`dir`,`size`,`name`) WHERE "state" <> 'moved';--> statement-breakpoint
CREATE INDEX `files_root_dir_mtime` ON `files` (`root_id`,`dir`,`mtime_ms`,`name`) WHERE "state" <> 'moved';--> statement-breakpoint
CREATE INDEX `files_root_dir_captured` ON `files` (`root_id`,`dir`,`captured_at`,`name`) WHERE "state" <> 'moved';
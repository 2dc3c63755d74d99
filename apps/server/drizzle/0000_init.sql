CREATE TABLE `file_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`detail` text,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `file_events_file` ON `file_events` (`file_id`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`root_id` integer NOT NULL,
	`rel_path` text NOT NULL,
	`dir` text NOT NULL,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`mtime_ms` integer NOT NULL,
	`inode` integer NOT NULL,
	`kind` text NOT NULL,
	`mime` text,
	`sha256` text,
	`content_size` integer,
	`content_mtime_ms` integer,
	`state` text DEFAULT 'present' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	`missing_since` integer,
	`moved_to_id` integer,
	`moved_from_id` integer,
	`captured_at` text,
	`camera_make` text,
	`camera_model` text,
	`width` integer,
	`height` integer,
	`orientation` integer,
	`duration_s` real,
	`codec` text,
	`gps_lat` real,
	`gps_lon` real,
	`problem` text,
	FOREIGN KEY (`root_id`) REFERENCES `roots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `files_root_path` ON `files` (`root_id`,`rel_path`);--> statement-breakpoint
CREATE INDEX `files_root_dir_name` ON `files` (`root_id`,`dir`,`name`);--> statement-breakpoint
CREATE INDEX `files_sha256` ON `files` (`sha256`);--> statement-breakpoint
CREATE INDEX `files_root_state` ON `files` (`root_id`,`state`);--> statement-breakpoint
CREATE TABLE `job_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`item` text NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `job_failures_job` ON `job_failures` (`job_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`params` text NOT NULL,
	`progress` text,
	`summary` text,
	`error` text,
	`owner` text,
	`control` text,
	`heartbeat_at` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_state` ON `jobs` (`state`);--> statement-breakpoint
CREATE TABLE `roots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`path` text NOT NULL,
	`ignore` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`last_scan_at` integer,
	`last_scan_job_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roots_label_unique` ON `roots` (`label`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
